#pragma once

// Internal to core/rule (not installed, not included outside the linter): the Linter that lintFile
// runs over each document. Its checks are spread over lint.cpp (the run and the check table),
// lintmetadata.cpp (metadata, tags, ATT&CK), lintdetection.cpp (conditions, detection items,
// values) and lintsuppress.cpp (sigmawb-ignore). A new group of checks is a new file with its
// Linter member and one call from Linter::run; its codes go into the table in lint.cpp.

#include "rule/lint.h"
#include "rule/lintfix.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace sigma {

class Linter {
public:
    Linter(const ParsedFile& file, const LintOptions& options, Diagnostics& out)
        : m_file(file)
        , m_options(options)
        , m_out(out)
        , m_text(file.text)
    {}

    /// Every check over every document of the file, appended to `out` (suppressions not applied).
    void run();

    /// Reports `code` (its severity from the check table) unless the options switch it off; an
    /// invalid span stands for the start of the current document.
    void add(const std::string& code, std::string message, SourceSpan span, std::optional<Fix> fix = {});

    const LintOptions& options() const { return m_options; }

    /// The span of `key` in a document's key or value spans, invalid when absent.
    static SourceSpan at(const std::map<std::string, SourceSpan>& spans, const std::string& key)
    {
        const auto it = spans.find(key);
        return it == spans.end() ? SourceSpan{} : it->second;
    }

private:
    // lintmetadata.cpp
    void metadataCommon(const std::string& id, const std::string& title, const std::string& status,
                        const std::string& level, const std::map<std::string, SourceSpan>& keys,
                        const std::map<std::string, SourceSpan>& values, bool isRule);
    void rule(const Rule& r);
    void tags(const Rule& r);
    /// SigmaHQ's tag rules: one detection.* and one tlp.* tag, tlp.clear only, the detection.*
    /// tag of the rules-dfir / rules-emerging-threats / rules-threat-hunting folders.
    void sigmahqTags(const Rule& r);
    void attackTag(const std::string& name, SourceSpan sp, const std::set<std::string>& ruleTactics);

    // lintconventions.cpp: SigmaHQ conventions and RSigma's schema checks (title, description,
    // falsepositives, references, dates, fields, log source values, filters)
    void ruleConventions(const Rule& r);
    void filterConventions(const Filter& f);
    void logSourceValues(const LogSource& ls);
    void titleConventions(const std::string& title, SourceSpan span);
    /// The span of each entry of the block list whose value span is `list`, when the text has
    /// exactly `count` one-line entries there; else `count` invalid spans (the checks then point at
    /// the key and offer no fix).
    std::vector<SourceSpan> listEntrySpans(SourceSpan list, std::size_t count) const;
    /// Removes the line of a top-level `key: value` written on one line (its comment goes with it).
    std::optional<Fix> fixRemoveKeyLine(SourceSpan key, SourceSpan value, std::string title);

    // lintdetection.cpp
    void conditions(const std::vector<Condition>& conds, const std::vector<SearchIdentifier>& ids);
    void conditionNode(const ConditionNode& n, const std::vector<std::string>& names);
    /// SigmaHQ's `x of` conventions: a pattern without '*', a `_*` pattern naming one identifier.
    void ofPattern(const ConditionNode& n, const std::vector<std::string>& names);
    void searchIdentifier(const SearchIdentifier& s, const LogSource& ls);
    void detectionItem(const DetectionItem& item, const LogSource& ls);
    /// A plain test of Channel / Provider_Name / EventID whose values include every channel,
    /// provider or EventID the log source selects: it holds for every event the rule sees.
    bool impliedByLogSource(const DetectionItem& item, const LogSource& ls);
    void regex(const DetectionItem& item, const Value& v);
    /// SigmaHQ's value checks: Sysmon hash key=value pairs, localized user names, a lone '*'.
    void valueConventions(const DetectionItem& item);
    std::optional<Fix> fixWildcardOnly(const DetectionItem& item);

    // lintfixes.cpp: the quick fixes (nullopt when the text is not in a form the fix handles)
    std::optional<Fix> fixWildcardModifier(const DetectionItem& item, const char* modifier);
    std::optional<Fix> fixRedundantWildcard(const Value& v, bool leading, bool trailing);
    std::optional<Fix> fixUnquoteNumber(const Value& v);
    std::optional<Fix> fixRemoveListElement(SourceSpan element, std::string title);
    std::optional<Fix> fixRemoveModifier(const DetectionItem& item, std::size_t index);
    std::optional<Fix> fixModifierOrder(const DetectionItem& item);
    std::optional<Fix> fixReplaceScalar(SourceSpan span, std::string_view oldText, std::string_view newText,
                                        std::string title);
    std::optional<Fix> fixInsertId(const std::map<std::string, SourceSpan>& keys,
                                   const std::map<std::string, SourceSpan>& values);
    /// `1 of X` / `all of X` (X = `operand`, as written) -> `name`.
    std::optional<Fix> fixOfOperand(const ConditionNode& n, std::string_view operand, const std::string& name);

    const ParsedFile& m_file;
    const LintOptions& m_options;
    Diagnostics& m_out;
    SourceSpan m_docStart{{1, 1}, {1, 1}};
    TextPositions m_text;
};

} // namespace sigma
