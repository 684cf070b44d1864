#include "validation/expectationcheck.h"

#include <algorithm>

namespace sigma::detail {

namespace {

/// Shortens a value for a one-line report (UTF-8 safe: cuts at a character boundary).
std::string shorten(const std::string& value, std::size_t max = 120)
{
    std::string out;
    if (value.size() <= max) {
        out = value;
    } else {
        std::size_t cut = max;
        while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80)
            --cut;
        out = value.substr(0, cut) + "...";
    }
    for (char& c : out)
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
    return out;
}

const char* outcomeWords(Outcome o)
{
    switch (o) {
    case Outcome::Matched:
        return "matched";
    case Outcome::NotMatched:
        return "did not match";
    case Outcome::FieldAbsent:
        return "did not match: the field is absent";
    case Outcome::Skipped:
        return "was not evaluated";
    case Outcome::Error:
        return "could not be evaluated";
    }
    return "";
}

bool anyDecidingChild(const ExplainNode& n)
{
    return std::any_of(n.children.begin(), n.children.end(), [](const ExplainNode& c) { return c.deciding; });
}

void collectDeciding(const ExplainNode& n, const std::string& context, std::vector<std::string>& out)
{
    std::string here = context;
    if (n.kind == ExplainNode::Kind::Search)
        here = n.label;
    else if (n.kind == ExplainNode::Kind::Item)
        here = context.empty() ? n.label : context + " > " + n.label;

    if (n.deciding && !anyDecidingChild(n)) {
        std::string line;
        if (n.span.valid())
            line = "line " + std::to_string(n.span.begin.line) + ": ";
        switch (n.kind) {
        case ExplainNode::Kind::LogSource:
            if (n.outcome == Outcome::Matched)
                line += "log source in scope";
            else
                line += n.detail.empty()
                            ? std::string("log source not in scope: the event is outside the rule's log source")
                            : "log source not in scope: " + n.detail;
            if (n.outcome == Outcome::Matched && !n.detail.empty())
                line += " (" + n.detail + ')';
            out.push_back(line);
            return;
        case ExplainNode::Kind::Value:
            line += (context.empty() ? std::string() : context + ' ') + n.label + ' ' + outcomeWords(n.outcome);
            break;
        case ExplainNode::Kind::Item:
        case ExplainNode::Kind::Search:
            line += here + ' ' + outcomeWords(n.outcome);
            break;
        default:
            line += (n.label.empty() ? std::string("condition") : n.label) + ' ' + outcomeWords(n.outcome);
            break;
        }
        if (n.eventValue) {
            const std::string& f = n.eventField.empty() ? n.field : n.eventField;
            line += " (" + (f.empty() ? std::string("value") : f) + " = '" + shorten(*n.eventValue) + "')";
        }
        if (!n.detail.empty() && n.outcome == Outcome::Error)
            line += ": " + n.detail;
        out.push_back(line);
        return;
    }
    for (const auto& c : n.children)
        if (c.deciding || !n.deciding)
            collectDeciding(c, here, out);
}

EventRef refOf(const Event& e, std::size_t position)
{
    EventRef r;
    r.index = e.origin.index ? e.origin.index : position + 1;
    r.recordId = e.origin.recordId;
    return r;
}

} // namespace

EventExplanation explainEvent(const CompiledRule& rule, const Event& event, std::size_t position)
{
    EventExplanation x;
    x.event = refOf(event, position);
    const Explanation why = rule.explain(event);
    x.matched = why.matched;
    collectDeciding(why.root, {}, x.deciding);
    if (x.deciding.empty())
        x.deciding.push_back(why.inScope
                                 ? "the condition decided the verdict"
                                 : "the event is outside the rule's log source (" + rule.scopeDescription() + ")");
    for (const auto& d : why.diagnostics)
        x.deciding.push_back(d.format());
    return x;
}

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

RuleTestResult startResult(const RuleTests& group)
{
    RuleTestResult result;
    result.rule = group.rulePath;
    result.manifest = group.manifest;
    result.form = group.form;
    for (const auto& d : group.diagnostics)
        (d.severity == Severity::Error ? result.errors : result.warnings).push_back(d);
    return result;
}

std::string eventsWord(std::size_t n)
{
    return std::to_string(n) + (n == 1 ? " event" : " events");
}

ExpectationCheck::ExpectationCheck(const Expectation& expectation, const CompiledRule& rule, std::size_t maxExplained)
    : m_expectation(expectation)
    , m_rule(rule)
    , m_maxExplained(maxExplained)
    , m_want(expectation.recordIds.begin(), expectation.recordIds.end())
{}

void ExpectationCheck::note(std::vector<EventExplanation>& into, std::size_t& count, const Event& event,
                            std::size_t position)
{
    if (into.size() < m_maxExplained)
        into.push_back(explainEvent(m_rule, event, position));
    ++count;
}

void ExpectationCheck::add(std::span<const Event> events)
{
    const Expectation& exp = m_expectation;
    const bool byRecordId = exp.kind == ExpectationKind::Match && !exp.recordIds.empty();
    // Which surprises can matter at the end: misses for "at least" (and an exact count), hits for
    // "no match", baselines (and an exact count).
    const bool watchMisses = exp.kind == ExpectationKind::Match && !byRecordId;
    const bool watchHits = exp.kind != ExpectationKind::Match || (!byRecordId && exp.count);
    for (const Event& e : events) {
        const std::size_t position = m_events++;
        const bool hit = m_rule.matches(e);
        if (hit)
            m_matched.push_back(refOf(e, position));
        if (byRecordId) {
            const auto& rid = e.origin.recordId;
            if (rid)
                m_present.insert(*rid);
            const bool wanted = rid && m_want.count(*rid);
            if (wanted != hit)
                note(m_mismatchWhy, m_mismatches, e, position);
        } else if (hit && watchHits) {
            note(m_hitWhy, m_hits, e, position);
        } else if (!hit && watchMisses) {
            note(m_missWhy, m_misses, e, position);
        }
    }
}

void ExpectationCheck::finish(ExpectationResult& r)
{
    const Expectation& exp = m_expectation;
    const std::size_t n = m_matched.size();
    r.events = m_events;
    r.actual = std::to_string(n) + " of " + eventsWord(m_events) + " matched";
    bool pass = true;
    std::vector<EventExplanation>* why = nullptr;
    std::size_t surprises = 0;
    switch (exp.kind) {
    case ExpectationKind::Match:
        if (!exp.recordIds.empty()) {
            pass = m_mismatches == 0;
            why = &m_mismatchWhy;
            surprises = m_mismatches;
            std::string absent;
            for (auto id : m_want)
                if (!m_present.count(id))
                    absent += (absent.empty() ? "" : ", ") + std::to_string(id);
            if (!absent.empty()) {
                pass = false;
                r.actual += "; no event with EventRecordID " + absent + " in the source";
            }
            if (!pass && !m_matched.empty()) {
                std::string ids;
                for (const auto& m : m_matched)
                    ids += (ids.empty() ? "" : ", ") +
                           (m.recordId ? std::to_string(*m.recordId) : "#" + std::to_string(m.index));
                r.actual += " (matched: " + ids + ")";
            }
        } else if (exp.count) {
            pass = n == *exp.count;
            const bool tooMany = n > *exp.count;
            why = tooMany ? &m_hitWhy : &m_missWhy;
            surprises = tooMany ? m_hits : m_misses;
        } else {
            pass = n >= exp.atLeast.value_or(1);
            why = &m_missWhy;
            surprises = m_misses;
        }
        break;
    case ExpectationKind::NoMatch:
        pass = n == 0;
        why = &m_hitWhy;
        surprises = m_hits;
        break;
    case ExpectationKind::Baseline:
        pass = n <= exp.maxHits;
        why = &m_hitWhy;
        surprises = m_hits;
        break;
    }
    r.matched = std::move(m_matched);
    r.status = pass ? ExpectationResult::Status::Passed : ExpectationResult::Status::Failed;
    if (!pass) {
        r.why = std::move(*why);
        if (surprises > m_maxExplained)
            r.actual += " (" + std::to_string(surprises - m_maxExplained) + " more unexpected verdicts not explained)";
    }
}

} // namespace sigma::detail
