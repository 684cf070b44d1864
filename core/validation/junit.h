#pragma once

// JUnit XML for CI systems (Jenkins, GitLab, GitHub, Azure...): <testsuites> with one <testsuite>
// per rule, one <testcase> per expectation, <failure> for a failed expectation and <error> for one
// that could not run (a broken manifest, an unreadable rule or event file). The shape follows the
// Jenkins/Surefire JUnit schema (tests/data/validation/junit.xsd).

#include "validation/runner.h"

#include <string>
#include <vector>

namespace sigma {

struct JUnitOptions {
    std::string name = "sigmawb test"; ///< <testsuites name>
    std::string timestamp;             ///< ISO 8601 for every <testsuite timestamp>; empty: now (UTC)
    std::string hostname;              ///< empty: omitted
};

std::string junitXml(const std::vector<RuleTestResult>& results, const JUnitOptions& options = {});

} // namespace sigma
