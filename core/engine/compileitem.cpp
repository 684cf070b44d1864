// Compiling one detection item: the matcher family from the modifier registry, the value's
// transformations in the order written, then one matcher per value (valuematchers.h).
#include "engine/errorsink.h"
#include "engine/itemaccelerator.h"
#include "engine/rulenames.h"
#include "engine/valueexpansion.h"
#include "engine/valuematchers.h"
#include "rule/modifiers.h"

namespace sigma::engine {
namespace {

struct ItemContext : ErrorSink {
    const DetectionItem& item;
    const CompileOptions& options;
};

std::string itemLabel(const DetectionItem& item)
{
    std::string label = item.isKeyword ? std::string("keywords") : item.field;
    for (const auto& m : item.modifiers)
        label += "|" + (m.written.empty() ? std::string(modifierName(m.kind)) : m.written);
    return label;
}

std::unique_ptr<ValueMatcher> compileValue(ItemContext& c, const Value& value)
{
    const DetectionItem& item = c.item;
    const auto& mods = item.modifiers;
    auto has = [&](ModifierKind k) { return item.has(k); };

    const MatcherFamily family = matcherFamilyOf(item);
    const bool negate = has(ModifierKind::Neq);

    if (family == MatcherFamily::Exists) {
        if (value.type != Value::Type::Boolean) {
            c.error(value.span, "exists-not-boolean", "exists needs true or false, not '" + value.text + "'");
            return nullptr;
        }
        const std::string t = folded(value.text);
        return makeExistsMatcher(t == "true" || t == "yes" || t == "on");
    }

    if (family == MatcherFamily::Number || family == MatcherFamily::TimePart) {
        // The comparator is the last of gt/gte/lt/lte (none: equality, or inequality with neq).
        std::optional<Compare> cmp;
        std::optional<TimePart> part;
        for (const auto& m : mods) {
            switch (m.kind) {
            case ModifierKind::Gt:
                cmp = Compare::Gt;
                break;
            case ModifierKind::Gte:
                cmp = Compare::Gte;
                break;
            case ModifierKind::Lt:
                cmp = Compare::Lt;
                break;
            case ModifierKind::Lte:
                cmp = Compare::Lte;
                break;
            case ModifierKind::Minute:
                part = TimePart::Minute;
                break;
            case ModifierKind::Hour:
                part = TimePart::Hour;
                break;
            case ModifierKind::Day:
                part = TimePart::Day;
                break;
            case ModifierKind::Week:
                part = TimePart::Week;
                break;
            case ModifierKind::Month:
                part = TimePart::Month;
                break;
            case ModifierKind::Year:
                part = TimePart::Year;
                break;
            default:
                break;
            }
        }
        auto n = parseNumber(value.text);
        if (!n || value.type == Value::Type::Boolean || value.type == Value::Type::Null) {
            c.error(value.span, "comparison-not-number", "'" + value.text + "' is not a number");
            return nullptr;
        }
        Compare op = cmp.value_or(negate ? Compare::Neq : Compare::Eq);
        if (part)
            return makeTimePartMatcher(*part, op, *n, value.text);
        return makeNumberMatcher(op, *n, value.text);
    }

    if (family == MatcherFamily::Cidr) {
        std::string why;
        auto network = parseIpNetwork(value.text, &why);
        if (!network) {
            c.error(value.span, "invalid-cidr", "'" + value.text + "' is not an IPv4 or IPv6 network: " + why);
            return nullptr;
        }
        return makeCidrMatcher(*network, value.text);
    }

    if (family == MatcherFamily::Regex) {
        // The same options and the same message as the parser's check (rule/modifiers.h).
        const std::uint32_t options = regexCompileOptions(item);
        auto m = makeRegexMatcher(value.text, options, c.options);
        if (!m) {
            const auto problem = regexProblem(value.text, options);
            c.error(value.span, "invalid-regex",
                    problem ? problem->message : "regular expression '" + value.text + "' does not compile");
        }
        return m;
    }

    // fieldref
    const bool fold = !has(ModifierKind::Cased);
    if (family == MatcherFamily::FieldRef) {
        auto anchor = FieldRefAnchor::Whole;
        if (has(ModifierKind::Contains))
            anchor = FieldRefAnchor::Contains;
        else if (has(ModifierKind::StartsWith))
            anchor = FieldRefAnchor::Start;
        else if (has(ModifierKind::EndsWith))
            anchor = FieldRefAnchor::End;
        return makeFieldRefMatcher(value.text, anchor, fold, negate);
    }

    // null
    if (value.type == Value::Type::Null)
        return makeNullMatcher();

    // Strings: the value's alternatives after its transformations (engine/valueexpansion.h).
    ValueExpansion expansion = expandItemValue(item, value, c.options.placeholders, c.options.maxExpansions);
    if (!expansion.ok()) {
        c.error(expansion.errorSpan, expansion.errorCode, expansion.errorMessage);
        return nullptr;
    }
    std::vector<SigmaString>& values = expansion.strings;
    std::vector<Glob> globs;
    globs.reserve(values.size());
    for (const auto& v : values)
        globs.emplace_back(v, fold);
    std::string description;
    if (negate)
        description = "not ";
    if (values.size() == 1) {
        description += quoted(values[0].toDisplay());
    } else {
        description += "any of " + std::to_string(values.size()) + " variants: ";
        for (std::size_t i = 0; i < values.size() && i < 6; ++i)
            description += (i ? ", " : "") + quoted(values[i].toDisplay());
        if (values.size() > 6)
            description += ", ...";
    }
    if (!fold)
        description += " (cased)";
    return std::make_unique<StringMatcher>(std::move(globs), fold, negate, description);
}

} // namespace

bool compileItem(const DetectionItem& item, std::size_t itemIndex, const std::string& file,
                 const CompileOptions& options, CompiledItem& out, Diagnostics& diagnostics)
{
    ItemContext c{{file, diagnostics}, item, options};
    out.keyword = item.isKeyword || item.field.empty();
    out.field = item.field;
    out.key = out.keyword ? 0 : ruleFieldKey(item.field);
    out.all = item.has(ModifierKind::All);
    out.label = itemLabel(item);
    out.span = item.span;
    out.itemIndex = itemIndex;
    if (item.values.empty()) {
        c.error(item.span, "empty-value-list", "'" + out.label + "' has no values");
        return false;
    }
    for (std::size_t i = 0; i < item.values.size(); ++i) {
        const Value& v = item.values[i];
        auto m = compileValue(c, v);
        if (!m)
            continue;
        CompiledValue cv;
        cv.matcher = std::move(m);
        cv.label = v.type == Value::Type::Null ? "null" : quoted(v.text);
        cv.span = v.span;
        cv.valueIndex = i;
        out.values.push_back(std::move(cv));
    }
    if (c.ok)
        out.accelerator = ItemAccelerator::build(out);
    return c.ok;
}

} // namespace sigma::engine
