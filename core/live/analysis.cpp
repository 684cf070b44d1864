#include "live/analysis.h"
#include "live/correlationlive.h"

#include "engine/lintscope.h"
#include "engine/logsourcefields.h"
#include "rule/lint.h"
#include "rule/parser.h"

namespace sigma {

namespace {
bool blank(const std::string& text)
{
    for (const char c : text)
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v')
            return false;
    return true;
}

RuleAnalysis analyzeParsed(std::shared_ptr<ParsedFile> parsed, const std::string& file, bool blankText,
                           const AnalysisOptions& options)
{
    RuleAnalysis result;
    result.parsed = parsed;
    if (options.lint) {
        // Parser errors plus the linter's findings (with the rule's own suppressions applied).
        static const auto fieldKnown = eventCatalogFieldLookup();
        static const auto builtinScope = logSourceScopeLookup();
        LintOptions lint;
        lint.fieldKnown =
            options.compile.logSources ? eventCatalogFieldLookup(*options.compile.logSources) : fieldKnown;
        lint.logSourceScope =
            options.compile.logSources ? logSourceScopeLookup(*options.compile.logSources) : builtinScope;
        result.diagnostics = lintFile(*parsed, lint);
    } else {
        result.diagnostics = parsed->diagnostics;
    }
    const Rule* rule = parsed->firstRule();
    if (rule && !hasErrors(parsed->diagnostics)) {
        CompileResult compiled = compileRule(*rule, file, options.compile);
        result.diagnostics.insert(result.diagnostics.end(), std::make_move_iterator(compiled.diagnostics.begin()),
                                  std::make_move_iterator(compiled.diagnostics.end()));
        result.compiled = std::move(compiled.rule);
    } else if (!rule && !hasErrors(parsed->diagnostics) && !blankText && options.requireRule &&
               !holdsCorrelation(*parsed)) { // a file of correlations: its rules may be in other files
        Diagnostic d;
        d.severity = Severity::Error;
        d.code = "no-rule";
        d.message = "the file holds no Sigma rule (a rule needs title, logsource and detection)";
        d.file = file;
        d.span.begin = {1, 1};
        result.diagnostics.push_back(std::move(d));
    }
    return result;
}
} // namespace

RuleAnalysis analyzeRuleText(std::string text, const std::string& file, const AnalysisOptions& options)
{
    const bool blankText = blank(text);
    return analyzeParsed(std::make_shared<ParsedFile>(parseRuleText(std::move(text), file)), file, blankText, options);
}

RuleAnalysis analyzeRuleFile(const std::string& path, const AnalysisOptions& options)
{
    auto parsed = std::make_shared<ParsedFile>(parseRuleFile(path));
    return analyzeParsed(parsed, path, blank(parsed->text), options);
}

} // namespace sigma
