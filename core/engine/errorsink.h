#pragma once

// Where compiling or lowering a rule records its errors: each one a Diagnostic on the rule's file,
// and `ok` false from the first one on. The engine's compilers (compilerule.cpp, compileitem.cpp)
// and the conversion's lowering (conversion/lower.cpp) derive their state from it.

#include "util/diagnostic.h"

#include <string>

namespace sigma::engine {

struct ErrorSink {
    const std::string& file;
    Diagnostics& diagnostics;
    bool ok = true;

    void error(const SourceSpan& span, std::string code, std::string message)
    {
        diagnostics.push_back(Diagnostic{Severity::Error, std::move(code), std::move(message), file, span});
        ok = false;
    }
};

} // namespace sigma::engine
