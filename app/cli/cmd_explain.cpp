// `sigmawb explain --rule FILE --events FILE --event N [--format text|json]`: why one event
// matches a rule or not, predicate by predicate.
// `sigmawb explain --near-misses --rule FILE --events PATH [--format text|jsonl]`: the events of the rule's
// log source that fail by exactly one decision, with that decision (docs/near-misses.md).
// `sigmawb explain --rule FILE --events PATH --group KEY [--correlation ID] [--format text|json]`: why a correlation
// fires for one group or not, window by window (json: one object per window; docs/correlations.md).
#include "clisupport.h"
#include "command.h"

#include "correlation/correlation.h"
#include "correlation/report.h"
#include "engine/engine.h"
#include "engine/logsource.h"
#include "engine/nearmiss.h"
#include "events/eventfiles.h"
#include "events/reader.h"
#include "live/analysis.h"
#include "rule/parser.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <unistd.h>

namespace {

struct Options {
    std::string rule;
    std::string events;
    std::size_t event = 0;
    std::string format = "text";
    sigmawb::CompileFlags compile;
    bool all = false;
    bool nearMisses = false;
    std::string color = "auto";
    std::string group = kNoGroup;
    std::string correlation;
    static constexpr const char* kNoGroup = "\x01";
};

const char* kindName(sigma::ExplainNode::Kind k)
{
    using K = sigma::ExplainNode::Kind;
    switch (k) {
    case K::Rule:
        return "rule";
    case K::LogSource:
        return "logsource";
    case K::Translation:
        return "translation";
    case K::Condition:
        return "condition";
    case K::Or:
        return "or";
    case K::And:
        return "and";
    case K::Not:
        return "not";
    case K::OneOf:
        return "one_of";
    case K::AllOf:
        return "all_of";
    case K::Search:
        return "search";
    case K::Map:
        return "map";
    case K::Item:
        return "item";
    case K::Value:
        return "value";
    }
    return "?";
}

nlohmann::ordered_json spanJson(const sigma::SourceSpan& s)
{
    if (!s.valid())
        return nullptr;
    return {{"line", s.begin.line}, {"column", s.begin.column}, {"end_line", s.end.line}, {"end_column", s.end.column}};
}

nlohmann::ordered_json toJson(const sigma::ExplainNode& n)
{
    nlohmann::ordered_json j;
    j["kind"] = kindName(n.kind);
    j["outcome"] = sigma::outcomeName(n.outcome);
    j["deciding"] = n.deciding;
    j["label"] = n.label;
    j["span"] = spanJson(n.span);
    if (n.operatorSpan.valid())
        j["operator_span"] = spanJson(n.operatorSpan);
    if (!n.field.empty())
        j["field"] = n.field;
    if (!n.eventField.empty())
        j["event_field"] = n.eventField;
    if (n.eventValue)
        j["event_value"] = *n.eventValue;
    if (!n.detail.empty())
        j["detail"] = n.detail;
    if (!n.children.empty()) {
        j["children"] = nlohmann::ordered_json::array();
        for (const auto& c : n.children)
            j["children"].push_back(toJson(c));
    }
    return j;
}

struct Printer {
    bool color;
    std::ostream& out;

    const char* mark(sigma::Outcome o) const
    {
        switch (o) {
        case sigma::Outcome::Matched:
            return "\xE2\x9C\x94"; // ✔
        case sigma::Outcome::NotMatched:
            return "\xE2\x9C\x98"; // ✘
        case sigma::Outcome::FieldAbsent:
            return "\xE2\x88\x85"; // ∅
        case sigma::Outcome::Skipped:
            return "\xC2\xB7"; // ·
        case sigma::Outcome::Error:
            return "!";
        }
        return "?";
    }
    const char* colour(sigma::Outcome o) const
    {
        if (!color)
            return "";
        switch (o) {
        case sigma::Outcome::Matched:
            return "\x1b[32m";
        case sigma::Outcome::NotMatched:
            return "\x1b[31m";
        case sigma::Outcome::FieldAbsent:
            return "\x1b[33m";
        case sigma::Outcome::Skipped:
            return "\x1b[90m";
        case sigma::Outcome::Error:
            return "\x1b[35m";
        }
        return "";
    }
    void print(const sigma::ExplainNode& n, int depth)
    {
        const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
        out << indent << (n.deciding ? "\xC2\xBB " : "  ") << colour(n.outcome)
            << (color && n.deciding ? "\x1b[1m" : "") << mark(n.outcome) << ' ' << n.label << (color ? "\x1b[0m" : "");
        if (n.outcome != sigma::Outcome::Matched)
            out << "  [" << sigma::outcomeName(n.outcome) << ']';
        if (n.span.valid() && n.kind != sigma::ExplainNode::Kind::Rule)
            out << "  (line " << n.span.begin.line << ':' << n.span.begin.column << ')';
        out << '\n';
        const std::string detailIndent = indent + "      ";
        if (n.kind == sigma::ExplainNode::Kind::Value || n.kind == sigma::ExplainNode::Kind::LogSource ||
            n.kind == sigma::ExplainNode::Kind::Translation || n.outcome == sigma::Outcome::Error) {
            if (!n.detail.empty()) {
                std::string d = n.detail;
                for (std::size_t p = 0; (p = d.find('\n', p)) != std::string::npos; p += detailIndent.size() + 1)
                    d.insert(p + 1, detailIndent);
                out << detailIndent << (color ? "\x1b[90m" : "") << d << (color ? "\x1b[0m" : "") << '\n';
            }
        }
        if (n.kind == sigma::ExplainNode::Kind::Item) {
            if (n.eventValue)
                out << detailIndent << "event " << (n.eventField.empty() ? n.field : n.eventField) << " = '"
                    << *n.eventValue << "'\n";
            else if (!n.field.empty())
                out << detailIndent << "event has no field " << n.field << '\n';
        }
        if (n.kind == sigma::ExplainNode::Kind::Value && n.eventValue && !n.eventField.empty() &&
            n.outcome == sigma::Outcome::Matched && n.field.empty())
            out << detailIndent << "found in " << n.eventField << " = '" << *n.eventValue << "'\n";
        for (const auto& c : n.children)
            print(c, depth + 1);
    }
};

/// `--group KEY`: one correlation of the file (the outermost, or --correlation) for one group.
int explainGroup(const Options& o, const sigma::CompileOptions& options)
{
    using namespace sigma;
    auto loaded = loadCorrelationUnit({o.rule}, options);
    for (const auto& d : loaded.diagnostics)
        std::cerr << d.format() << '\n';
    if (hasErrors(loaded.diagnostics))
        return sigmawb::ExitFailure;
    const CorrelationUnit& unit = *loaded.unit;
    std::optional<std::size_t> ci;
    if (!o.correlation.empty())
        ci = unit.findCorrelation(o.correlation);
    else
        for (std::size_t i = 0; i < unit.correlations().size() && !ci; ++i)
            if (unit.correlations()[i].reportAlone)
                ci = i;
    if (!ci) {
        std::cerr << o.rule << ": no correlation "
                  << (o.correlation.empty() ? "in the file" : "'" + o.correlation + "'") << '\n';
        return sigmawb::ExitUsage;
    }
    std::string error;
    const auto group = parseGroupKey(unit.correlations()[*ci], o.group, error);
    if (!group) {
        std::cerr << "sigmawb explain: --group " << o.group << ": " << error << '\n';
        return sigmawb::ExitUsage;
    }
    CorrelationOptions co;
    co.traceCorrelation = *ci;
    co.traceGroup = *group;
    CorrelationEvaluator evaluator(loaded.unit, co);
    const bool read = sigmawb::readEventFiles({o.events}, [&](const std::string&, ReadResult& events) {
        for (const auto& e : events.events)
            evaluator.add(e);
    });
    if (!read)
        return sigmawb::ExitUsage;
    const CorrelationReport report = evaluator.finish();
    std::cout << (o.format == "json" ? explainCorrelationGroupJson(unit, *ci, *group, report)
                                     : explainCorrelationGroup(unit, *ci, *group, report));
    return sigmawb::ExitOk;
}

nlohmann::ordered_json nearMissJson(const sigma::NearMissPredicate& p)
{
    using Kind = sigma::NearMissPredicate::Kind;
    nlohmann::ordered_json j;
    j["kind"] = p.kind == Kind::Filter ? "filter" : (p.kind == Kind::Keywords ? "keywords" : "item");
    j["selection"] = p.selection;
    j["label"] = p.label;
    if (!p.field.empty())
        j["field"] = p.field;
    if (p.kind != Kind::Filter)
        j["rule_values"] = p.ruleValues;
    j["span"] = spanJson(p.span);
    j["outcome"] = sigma::outcomeName(p.outcome);
    if (p.kind == Kind::Item) {
        j["event_field"] =
            p.eventField.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(p.eventField);
        j["event_value"] = p.eventValue ? nlohmann::ordered_json(*p.eventValue) : nullptr;
    }
    if (p.kind == Kind::Filter) {
        j["veto_items"] = nlohmann::ordered_json::array();
        for (const auto& item : p.vetoItems)
            j["veto_items"].push_back(nearMissJson(item));
    }
    return j;
}

/// `--near-misses`: every event of the files that fails by one decision.
int explainNearMisses(const Options& o, const sigma::RuleAnalysis& analyzed)
{
    using namespace sigma;
    const CompiledRule& rule = *analyzed.compiled;
    std::size_t read = 0, inScope = 0, found = 0;
    const bool readAll = sigmawb::readEventFiles({o.events}, [&](const std::string& file, ReadResult& events) {
        for (std::size_t i = 0; i < events.events.size(); ++i) {
            const Event& event = events.events[i];
            ++read;
            if (!rule.inScope(event))
                continue;
            ++inScope;
            if (rule.matches(event))
                continue;
            const NearMiss nm = findNearMiss(rule, event);
            if (!nm.isNearMiss())
                continue;
            ++found;
            if (o.format == "jsonl") {
                nlohmann::ordered_json j;
                j["event_file"] = file;
                j["event_index"] = i + 1;
                j["record_id"] = event.origin.recordId ? nlohmann::ordered_json(*event.origin.recordId) : nullptr;
                j["predicates"] = nlohmann::ordered_json::array();
                for (const auto& p : nm.predicates)
                    j["predicates"].push_back(nearMissJson(p));
                std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
                continue;
            }
            std::cout << "near miss: event " << i + 1 << " of " << file;
            if (event.origin.recordId)
                std::cout << " (record " << *event.origin.recordId << ')';
            std::cout << ": " << event.channel() << " EventID " << event.eventId() << '\n';
            for (const auto& p : nm.predicates)
                std::cout << "  " << describeNearMiss(p) << "  (line " << p.span.begin.line << ':'
                          << p.span.begin.column << ")\n";
        }
    });
    if (!readAll)
        return sigmawb::ExitUsage;
    if (o.format != "jsonl")
        std::cout << found << " near miss" << (found == 1 ? "" : "es") << " among " << inScope
                  << " events of the rule's log source (" << read << " read)\n";
    return sigmawb::ExitOk;
}

int run(const Options& o)
{
    using namespace sigma;
    const auto setup = sigmawb::compileSetup(o.compile);
    if (!setup)
        return sigmawb::ExitUsage;
    if (o.group != Options::kNoGroup)
        return explainGroup(o, setup->options);
    if (o.nearMisses && (o.event != 0 || o.group != Options::kNoGroup)) {
        std::cerr << "sigmawb explain: --near-misses looks at every event: give no --event or --group\n";
        return sigmawb::ExitUsage;
    }
    if ((o.format == "jsonl") != o.nearMisses && o.format != "text") {
        std::cerr << "sigmawb explain: --format " << o.format << (o.nearMisses ? " is not" : " is only")
                  << " for --near-misses (text or jsonl)\n";
        return sigmawb::ExitUsage;
    }
    if (o.event == 0 && !o.nearMisses) {
        std::cerr << "sigmawb explain: give --event N (a rule) or --group KEY (a correlation)\n";
        return sigmawb::ExitUsage;
    }

    // Parsed and compiled as the workbench's editor does it (without its linter).
    AnalysisOptions analysis;
    analysis.compile = setup->options;
    analysis.lint = false;
    analysis.requireRule = false;
    const RuleAnalysis analyzed = analyzeRuleFile(o.rule, analysis);
    for (const auto& d : analyzed.diagnostics)
        if (d.severity != Severity::Info)
            std::cerr << d.format() << '\n';
    for (const auto& d : analyzed.diagnostics)
        if (d.code == "io-error")
            return sigmawb::ExitUsage;
    if (!analyzed.parsed->firstRule()) {
        std::cerr << o.rule << ": no rule in the file\n";
        return sigmawb::ExitFailure;
    }
    if (!analyzed.ok())
        return sigmawb::ExitFailure;
    const Rule* rule = analyzed.parsed->firstRule();
    if (o.nearMisses)
        return explainNearMisses(o, analyzed);

    ReadResult events = readEventsFile(o.events);
    for (const auto& d : events.diagnostics)
        std::cerr << d.format() << '\n';
    if (events.failed())
        return sigmawb::ExitUsage;
    if (o.event < 1 || o.event > events.events.size()) {
        std::cerr << o.events << ": there is no event " << o.event << " (the file has " << events.events.size()
                  << ")\n";
        return sigmawb::ExitUsage;
    }
    const Event& event = events.events[o.event - 1];
    ExplainOptions eo;
    eo.shortCircuit = !o.all;
    const Explanation ex = analyzed.compiled->explain(event, eo);

    if (o.format == "json") {
        nlohmann::ordered_json j;
        j["rule_file"] = o.rule;
        j["rule_id"] = rule->id;
        j["rule_title"] = rule->title;
        j["event_file"] = o.events;
        j["event_index"] = o.event;
        j["record_id"] = event.origin.recordId ? nlohmann::ordered_json(*event.origin.recordId) : nullptr;
        j["matched"] = ex.matched;
        j["in_scope"] = ex.inScope;
        j["errors"] = nlohmann::ordered_json::array();
        for (const auto& d : ex.diagnostics)
            j["errors"].push_back(d.message);
        j["tree"] = toJson(ex.root);
        std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    } else {
        const bool color = o.color == "always" || (o.color == "auto" && isatty(STDOUT_FILENO));
        std::cout << (ex.matched ? "MATCH" : "NO MATCH") << ": " << rule->title << "  (" << o.rule << ")\n"
                  << "event " << o.event << " of " << o.events;
        if (event.origin.recordId)
            std::cout << " (record " << *event.origin.recordId << ')';
        std::cout << ": " << event.channel() << " EventID " << event.eventId() << "\n\n";
        Printer p{color, std::cout};
        p.print(ex.root, 0);
        std::cout << "\n\xC2\xBB marks the predicates that decided the verdict; \xC2\xB7 = skipped (short-circuit)\n";
        for (const auto& d : ex.diagnostics)
            std::cerr << d.format() << '\n';
    }
    return sigmawb::ExitOk;
}

const bool registered = sigmawb::registerCommand(
    21, "explain", "Explain, predicate by predicate, why an event matches a rule or not",
    [](CLI::App& sub) -> std::function<int()> {
        auto o = std::make_shared<Options>();
        sub.add_option("--rule", o->rule, "The rule file")->required();
        sub.add_option("--events", o->events, "The event file")->required();
        sub.add_option("--event", o->event,
                       "Which event (1-based position in the file), explained against the first rule of the file");
        sub.add_option("--group", o->group,
                       "A correlation's group: its value (one group-by field) or field=value,field=value; "
                       "explains the windows of that group");
        sub.add_option("--correlation", o->correlation,
                       "With --group: the correlation (id or name; default: the outermost of the file)");
        sub.add_flag("--near-misses", o->nearMisses,
                     "List the events of the rule's log source that fail by exactly one decision (a field item, a "
                     "keyword list or a filter under 'not'), with that decision; --events may be a folder");
        sub.add_option("--format", o->format, "Output: text or json (--near-misses: text or jsonl)")
            ->check(CLI::IsMember({"text", "json", "jsonl"}));
        o->compile.addTo(sub);
        sub.add_flag("--all", o->all, "Evaluate every predicate (no short-circuit)");
        sub.add_option("--color", o->color, "Colour: auto (on a terminal), always, never")
            ->check(CLI::IsMember({"auto", "always", "never"}));
        return [o] { return run(*o); };
    });

} // namespace
