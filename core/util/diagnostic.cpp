#include "util/diagnostic.h"

#include <algorithm>

namespace sigma {

const char* severityName(Severity severity)
{
    switch (severity) {
    case Severity::Error:
        return "error";
    case Severity::Warning:
        return "warning";
    case Severity::Info:
        return "info";
    }
    return "error";
}

std::string Diagnostic::format() const
{
    std::string out = file.empty() ? std::string("<input>") : file;
    if (span.begin.line > 0) {
        out += ':' + std::to_string(span.begin.line);
        if (span.begin.column > 0)
            out += ':' + std::to_string(span.begin.column);
    }
    out += ": ";
    out += severityName(severity);
    out += ": ";
    out += message;
    if (!code.empty())
        out += " [" + code + ']';
    return out;
}

bool hasErrors(const Diagnostics& diagnostics)
{
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

Diagnostic makeDiagnostic(Severity severity, std::string code, std::string message, std::string file, SourceSpan span)
{
    Diagnostic d;
    d.severity = severity;
    d.code = std::move(code);
    d.message = std::move(message);
    d.file = std::move(file);
    d.span = span;
    return d;
}

} // namespace sigma
