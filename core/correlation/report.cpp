// Correlation results as text and JSON, and the explanation of one group.
#include "correlation/report.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <sstream>

namespace sigma {

std::string formatGroup(const std::vector<std::pair<std::string, std::string>>& group)
{
    if (group.empty())
        return "(no group-by)";
    std::string out;
    for (const auto& [k, v] : group) {
        if (!out.empty())
            out += ", ";
        out += k + "=" + v;
    }
    return out;
}

namespace {

std::string number(double v)
{
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

nlohmann::ordered_json jsonNumber(double v)
{
    if (v == static_cast<double>(static_cast<long long>(v)) && v > -9e15 && v < 9e15)
        return static_cast<long long>(v);
    return v;
}

std::string ruleLabel(const CorrelationUnit& unit, const CompiledCorrelation& c, std::size_t input)
{
    const auto& in = c.inputs[input];
    if (in.isCorrelation) {
        const auto& inner = unit.correlations()[in.index];
        return "correlation '" + inner.doc.title + "' (" + in.reference + ")";
    }
    return "rule '" + unit.rules()[in.index].rule->rule().title + "' (" + in.reference + ")";
}

std::string eventLabel(const CorrelationEventRef& e)
{
    std::string s = (e.file ? *e.file : std::string()) + ":" + std::to_string(e.index);
    if (e.recordId)
        s += " (record " + std::to_string(*e.recordId) + ")";
    return s + " at " + formatEventTime(e.time);
}

} // namespace

std::string correlationResultJson(const CorrelationUnit& unit, const CorrelationResult& r)
{
    const auto& c = unit.correlations()[r.correlation];
    nlohmann::ordered_json j;
    j["rule_id"] = c.doc.id;
    j["rule_title"] = c.doc.title;
    j["rule_file"] = c.file;
    j["type"] = "correlation";
    j["group"] = nlohmann::ordered_json::object();
    for (const auto& [k, v] : r.group)
        j["group"][k] = v;
    j["window"] = {{"start", formatEventTime(r.start)}, {"end", formatEventTime(r.end)}};
    j["value"] = jsonNumber(r.value);
    j["events"] = nlohmann::ordered_json::array();
    for (const auto& e : r.events)
        j["events"].push_back({{"event_file", e.file ? *e.file : std::string()},
                               {"event_index", e.index},
                               {"record_id", e.recordId ? nlohmann::ordered_json(*e.recordId) : nullptr}});
    if (r.events.size() < r.eventCount)
        j["events_total"] = r.eventCount;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string correlationResultText(const CorrelationUnit& unit, const CorrelationResult& r)
{
    const auto& c = unit.correlations()[r.correlation];
    std::ostringstream out;
    out << "correlation: " << c.doc.title << " [" << c.displayId() << "] " << c.file << ": " << formatGroup(r.group)
        << ", " << formatEventTime(r.start) << " .. " << formatEventTime(r.end) << ", " << c.doc.type << ' '
        << number(r.value) << " (" << c.conditionText() << "), " << r.eventCount << " event"
        << (r.eventCount == 1 ? "" : "s");
    return out.str();
}

std::optional<std::vector<std::string>> parseGroupKey(const CompiledCorrelation& c, const std::string& key,
                                                      std::string& error)
{
    const auto& fields = c.doc.groupBy;
    std::vector<std::string> values(fields.size());
    if (key.find('=') == std::string::npos) {
        if (fields.size() != 1) {
            error = fields.empty() ? "the correlation has no group-by: give --group ''"
                                   : "the correlation groups by several fields: give --group field=value,field=value";
            if (fields.empty() && key.empty())
                return values;
            return std::nullopt;
        }
        values[0] = key;
        return values;
    }
    std::vector<bool> given(fields.size(), false);
    std::size_t pos = 0;
    while (pos <= key.size()) {
        std::size_t comma = key.find(',', pos);
        if (comma == std::string::npos)
            comma = key.size();
        const std::string part = key.substr(pos, comma - pos);
        const auto eq = part.find('=');
        if (eq == std::string::npos) {
            error = "'" + part + "' is not field=value";
            return std::nullopt;
        }
        const std::string field = part.substr(0, eq);
        auto it = std::find(fields.begin(), fields.end(), field);
        if (it == fields.end()) {
            error = "the correlation does not group by '" + field + "'";
            return std::nullopt;
        }
        values[it - fields.begin()] = part.substr(eq + 1);
        given[it - fields.begin()] = true;
        pos = comma + 1;
    }
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (!given[i]) {
            error = "no value for '" + fields[i] + "'";
            return std::nullopt;
        }
    return values;
}

std::string explainCorrelationGroup(const CorrelationUnit& unit, std::size_t ci, const std::vector<std::string>& group,
                                    const CorrelationReport& report)
{
    const auto& c = unit.correlations()[ci];
    std::ostringstream out;
    std::vector<std::pair<std::string, std::string>> named;
    for (std::size_t i = 0; i < c.doc.groupBy.size() && i < group.size(); ++i)
        named.emplace_back(c.doc.groupBy[i], group[i]);
    std::size_t fired = 0;
    for (const auto& r : report.results)
        fired += r.correlation == ci && r.group == named;
    out << (fired ? "FIRES" : "DOES NOT FIRE") << ": " << c.doc.title << " [" << c.displayId() << "]  (" << c.file
        << ")\n";
    out << c.doc.type;
    if (c.kind == CorrelationKind::ValuePercentile)
        out << " (percentile " << number(c.percentile) << ")";
    for (std::size_t i = 0; i < c.doc.conditionFields.size(); ++i)
        out << (i ? ", " : " of ") << c.doc.conditionFields[i];
    out << ", " << c.conditionText() << ", within " << c.doc.timespan << " (sliding; "
        << (c.earlyFire ? "fires at the hit that makes it true" : "each window judged when it closes") << ")\n";
    out << "group " << formatGroup(named) << "\n\nreferenced:\n";
    for (std::size_t k = 0; k < c.inputs.size(); ++k) {
        out << "  " << k + 1 << ". " << ruleLabel(unit, c, k);
        std::vector<std::string> via;
        for (std::size_t g = 0; g < c.doc.groupBy.size(); ++g)
            if (c.groupFields[k][g] != c.doc.groupBy[g])
                via.push_back(c.doc.groupBy[g] + " <- " + c.groupFields[k][g]);
        if (!via.empty()) {
            out << "  aliases:";
            for (const auto& v : via)
                out << ' ' << v;
        }
        out << '\n';
    }
    if (report.trace.empty()) {
        out << "\nno hit of the referenced rules in this group\n";
    } else {
        out << "\nwindows evaluated (" << report.trace.size() << "):\n";
        for (const auto& t : report.trace) {
            out << (t.fired ? "  \xE2\x9C\x94 " : "  \xE2\x9C\x98 ") << formatEventTime(t.start) << " .. "
                << formatEventTime(t.end) << "  " << c.doc.type << " = " << (t.value ? number(*t.value) : "none")
                << " against " << c.conditionText() << (t.fired ? "  fires" : "") << '\n';
            out << "      hits per rule:";
            for (std::size_t k = 0; k < t.perInput.size(); ++k)
                out << ' ' << c.inputs[k].reference << '=' << t.perInput[k];
            out << '\n';
            if (c.kind == CorrelationKind::TemporalOrdered) {
                out << "      in order: " << t.orderedFound << " of " << c.inputs.size();
                if (t.orderedFound < c.inputs.size())
                    out << " (missing: " << c.inputs[t.orderedFound].reference << " after "
                        << (t.orderedFound ? c.inputs[t.orderedFound - 1].reference : std::string("the start")) << ')';
                out << '\n';
            }
            if (!t.distinct.empty()) {
                out << "      distinct values:";
                for (const auto& [v, n] : t.distinct)
                    out << " '" << v << "'\xC3\x97" << n;
                out << '\n';
            }
            for (const auto& e : t.events)
                out << "      " << eventLabel(e) << "  " << unit.rules()[e.rule].rule->rule().title << '\n';
            if (t.events.size() < t.eventCount)
                out << "      ... " << t.eventCount - t.events.size() << " more events\n";
        }
    }
    if (report.untimedCount)
        out << '\n'
            << report.untimedCount << " match(es) of the referenced rules have no event time and were left out\n";
    return out.str();
}

std::string explainCorrelationGroupJson(const CorrelationUnit& unit, std::size_t correlation,
                                        const std::vector<std::string>& group, const CorrelationReport& report)
{
    const auto& c = unit.correlations()[correlation];
    std::string out;
    for (const CorrelationTrace& t : report.trace) {
        nlohmann::ordered_json j;
        j["correlation_id"] = c.displayId();
        j["correlation_title"] = c.doc.title;
        j["correlation_type"] = c.doc.type;
        j["group"] = nlohmann::ordered_json::object();
        for (std::size_t i = 0; i < c.doc.groupBy.size() && i < group.size(); ++i)
            j["group"][c.doc.groupBy[i]] = group[i];
        j["window"] = {{"start", formatEventTime(t.start)}, {"end", formatEventTime(t.end)}};
        j["value"] = t.value ? jsonNumber(*t.value) : nlohmann::ordered_json(nullptr);
        j["condition"] = c.conditionText();
        j["firing"] = t.fired;
        j["inputs"] = nlohmann::ordered_json::array();
        for (std::size_t k = 0; k < c.inputs.size(); ++k)
            j["inputs"].push_back(
                {{"rule", c.inputs[k].reference}, {"hits", k < t.perInput.size() ? t.perInput[k] : 0}});
        if (c.kind == CorrelationKind::TemporalOrdered)
            j["found_in_order"] = t.orderedFound;
        if (c.kind == CorrelationKind::ValueCount) {
            j["distinct"] = nlohmann::ordered_json::object();
            for (const auto& [value, count] : t.distinct)
                j["distinct"][value] = count;
        }
        j["events"] = nlohmann::ordered_json::array();
        for (const auto& e : t.events) {
            const Rule& rule = unit.rules()[e.rule].rule->rule();
            j["events"].push_back({{"event_file", e.file ? *e.file : std::string()},
                                   {"event_index", e.index},
                                   {"record_id", e.recordId ? nlohmann::ordered_json(*e.recordId) : nullptr},
                                   {"rule_id", rule.id},
                                   {"rule_title", rule.title}});
        }
        j["events_total"] = t.eventCount;
        out += j.dump() + "\n";
    }
    return out;
}

} // namespace sigma
