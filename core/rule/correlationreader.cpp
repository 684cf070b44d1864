// Reading correlation documents (type, rules, group-by, timespan, condition, aliases).
#include "rule/converter.h"

#include "util/asciitext.h"

#include <algorithm>

namespace sigma::reader {
namespace {

bool parseTimespan(const std::string& s, long long& seconds)
{
    if (s.size() < 2)
        return false;
    const char unit = s.back();
    const std::string num = s.substr(0, s.size() - 1);
    if (!std::all_of(num.begin(), num.end(), isAsciiDigit) || num.size() > 9)
        return false;
    const long long n = std::atoll(num.c_str());
    long long mult;
    switch (unit) {
    case 's':
        mult = 1;
        break;
    case 'm':
        mult = 60;
        break;
    case 'h':
        mult = 3600;
        break;
    case 'd':
        mult = 86400;
        break;
    case 'w':
        mult = 7 * 86400;
        break;
    case 'M': // pySigma's month and year: 30.436875 and 365.2425 days
        mult = 2629746;
        break;
    case 'y':
        mult = 31556952;
        break;
    default:
        return false;
    }
    seconds = n * mult;
    return n > 0;
}

} // namespace

Correlation Converter::correlation(const Entries& entries, const Node* root)
{
    Correlation c;
    const SourceSpan docStart{m_lines.pos(root->begin), m_lines.pos(root->begin)};
    bool haveTitle = false;
    for (const auto& [k, v] : entries) {
        const std::string& key = k->value;
        recordSpans(c, k, v);
        if (key == "title")
            haveTitle = scalarText(v, key, c.title);
        else if (key == "id")
            scalarText(v, key, c.id);
        else if (key == "name")
            scalarText(v, key, c.name);
        else if (key == "status")
            scalarText(v, key, c.status);
        else if (key == "level")
            scalarText(v, key, c.level);
        else if (key == "correlation")
            correlationBody(c, k, v);
        else
            c.custom.push_back(custom(k, v));
    }
    if (!haveTitle)
        error("missing-title", "the correlation has no 'title'", docStart);
    return c;
}

void Converter::correlationBody(Correlation& c, const Node* key, const Node* v)
{
    if (v->kind != NodeKind::Map) {
        error("wrong-type", "'correlation' must be a mapping (type, rules, timespan, ...)", span(v));
        return;
    }
    static const std::set<std::string> types{"event_count", "value_count", "temporal",     "temporal_ordered",
                                             "value_sum",   "value_avg",   "value_median", "value_percentile"};
    bool haveType = false, haveRules = false, haveTimespan = false, haveCondition = false;
    SourceSpan conditionSpan;
    for (const auto& [k, val] : mapEntries(v)) {
        const std::string& name = k->value;
        c.keySpans["correlation." + name] = span(k);
        c.valueSpans["correlation." + name] = span(val);
        if (name == "type") {
            haveType = scalarText(val, "type", c.type);
            if (haveType && !types.count(c.type))
                error("invalid-correlation-type",
                      "unknown correlation type '" + c.type +
                          "' (event_count, value_count, temporal, temporal_ordered, value_sum, value_avg, "
                          "value_percentile, value_median)",
                      span(val));
        } else if (name == "rules") {
            c.rules = val->kind == NodeKind::Scalar ? std::vector<std::string>{val->value} : stringList(val, "rules");
            haveRules = !c.rules.empty();
        } else if (name == "group-by") {
            c.groupBy =
                val->kind == NodeKind::Scalar ? std::vector<std::string>{val->value} : stringList(val, "group-by");
        } else if (name == "timespan" || name == "timeframe") {
            if (scalarText(val, name, c.timespan)) {
                haveTimespan = true;
                if (!parseTimespan(c.timespan, c.timespanSeconds))
                    error("bad-timespan",
                          "'" + c.timespan +
                              "' is not a timespan: a positive number and a unit s, m, h, d, w, M or y (e.g. 15m)",
                          span(val));
            }
        } else if (name == "condition") {
            haveCondition = true;
            conditionSpan = span(val);
            correlationCondition(c, val);
        } else if (name == "aliases") {
            aliases(c, val);
        } else if (name == "generate") {
            const Value gv = value(val);
            if (gv.type != Value::Type::Boolean)
                error("wrong-type", "'generate' must be true or false", span(val));
            c.generate = gv.boolValue;
        } else {
            warning("unknown-key", "unknown key '" + name + "' in 'correlation'", span(k));
        }
    }
    const SourceSpan where = span(key);
    if (!haveType)
        error("missing-correlation-type", "the correlation has no 'type'", where);
    if (!haveRules)
        error("missing-correlation-rules", "the correlation has no 'rules'", where);
    if (!haveTimespan)
        error("bad-timespan", "the correlation has no 'timespan'", where);
    const bool temporal = c.type == "temporal" || c.type == "temporal_ordered";
    if (!haveCondition && haveType && !temporal)
        error("missing-condition", "a '" + c.type + "' correlation needs a 'condition'", where);
    if (haveCondition && c.type.rfind("value_", 0) == 0 && c.conditionFields.empty())
        error("missing-condition", "a '" + c.type + "' correlation needs 'field' in its condition", conditionSpan);
    if (haveCondition && c.type == "value_percentile" && !c.conditionPercentile)
        warning("missing-percentile",
                "a 'value_percentile' condition without 'percentile' is evaluated as the 50th percentile (median)",
                conditionSpan);
    if (c.conditionFields.size() > 1 && c.type.rfind("value_", 0) == 0 && c.type != "value_count")
        error("invalid-correlation-condition",
              "a '" + c.type + "' condition reads one numeric 'field'; a list of fields is for value_count",
              conditionSpan);
    if (c.conditionPercentile && c.type != "value_percentile")
        warning("unknown-key", "'percentile' has no meaning in a '" + c.type + "' condition", conditionSpan);
    if (c.type == "event_count" || temporal)
        if (!c.conditionFields.empty())
            warning("unknown-key", "'field' has no meaning in a '" + c.type + "' condition", conditionSpan);
}

void Converter::correlationCondition(Correlation& c, const Node* v)
{
    if (v->kind != NodeKind::Map) {
        error("wrong-type", "the correlation 'condition' must be a mapping such as {gte: 10}", span(v));
        return;
    }
    static const std::set<std::string> ops{"gt", "gte", "lt", "lte", "eq", "neq"};
    for (const auto& [k, val] : mapEntries(v)) {
        if (k->value == "field") {
            // One field, or a list whose distinct tuples value_count counts (specification v2.1).
            c.conditionFields.clear();
            if (val->kind == NodeKind::Scalar) {
                std::string f;
                if (scalarText(val, "field", f))
                    c.conditionFields.push_back(std::move(f));
            } else {
                c.conditionFields = stringList(val, "field");
            }
            continue;
        }
        if (k->value == "percentile") {
            const Value pv = value(val);
            if ((pv.type != Value::Type::Integer && pv.type != Value::Type::Float) || pv.floatValue < 0 ||
                pv.floatValue > 100)
                error("invalid-correlation-condition", "'percentile' must be a number from 0 to 100", span(val));
            else
                c.conditionPercentile = pv.type == Value::Type::Integer ? double(pv.intValue) : pv.floatValue;
            continue;
        }
        if (!ops.count(k->value)) {
            error("invalid-correlation-condition", "unknown operator '" + k->value + "' (gt, gte, lt, lte, eq, neq)",
                  span(k));
            continue;
        }
        const Value cv = value(val);
        if (cv.type != Value::Type::Integer && cv.type != Value::Type::Float)
            error("invalid-correlation-condition", "the value of '" + k->value + "' must be a number", span(val));
        c.condition.push_back({k->value, cv.text, {m_lines.pos(k->begin), m_lines.pos(val->end)}});
    }
}

void Converter::aliases(Correlation& c, const Node* v)
{
    if (v->kind != NodeKind::Map) {
        error("wrong-type", "'aliases' must map alias names to {rule: field} mappings", span(v));
        return;
    }
    for (const auto& [k, val] : mapEntries(v)) {
        if (val->kind != NodeKind::Map) {
            error("wrong-type", "the alias '" + k->value + "' must map rule names to field names", span(val));
            continue;
        }
        auto& target = c.aliases[k->value];
        for (const auto& [rk, rv] : mapEntries(val)) {
            std::string field;
            if (scalarText(rv, "alias field", field))
                target[rk->value] = field;
        }
    }
}

} // namespace sigma::reader
