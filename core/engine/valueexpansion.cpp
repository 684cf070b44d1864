// The value transformations of a detection item (engine/valueexpansion.h).
#include "engine/valueexpansion.h"

namespace sigma::engine {

ValueExpansion expandItemValue(const DetectionItem& item, const Value& value,
                               const std::map<std::string, std::vector<std::string>>& placeholders, std::size_t limit)
{
    const auto& mods = item.modifiers;
    std::vector<SigmaString> values{SigmaString::parse(value.text)};
    if (value.type != Value::Type::String) // numbers/booleans: their text, no wildcards
        values = {SigmaString::literal(value.text)};
    ValueExpansion result;
    auto fail = [&](const SourceSpan& span, std::string code, std::string message) {
        result.errorCode = std::move(code);
        result.errorMessage = std::move(message);
        result.errorSpan = span;
        result.strings.clear();
        return result;
    };
    auto tooMany = [&](const Modifier& m) {
        return fail(m.span.valid() ? m.span : value.span, "too-many-expansions",
                    "'" + m.written + "' expands '" + value.text + "' into more than " + std::to_string(limit) +
                        " strings");
    };
    std::vector<std::string>& notes = result.notes;
    for (const auto& m : mods) {
        std::vector<SigmaString> next;
        switch (m.kind) {
        case ModifierKind::Contains:
            for (auto& v : values) {
                v.prependStar();
                v.appendStar();
            }
            break;
        case ModifierKind::StartsWith:
            for (auto& v : values)
                v.appendStar();
            break;
        case ModifierKind::EndsWith:
            for (auto& v : values)
                v.prependStar();
            break;
        case ModifierKind::Windash:
            for (const auto& v : values)
                if (!expandWindash(v, next, limit))
                    return tooMany(m);
            values = std::move(next);
            notes.push_back("windash");
            break;
        case ModifierKind::Expand: {
            std::vector<std::string> missing;
            for (const auto& v : values)
                if (!expandPlaceholders(v, placeholders, next, missing, limit))
                    return tooMany(m);
            if (!missing.empty()) {
                std::string names;
                for (const auto& n : missing)
                    names += (names.empty() ? "%" : ", %") + n + "%";
                return fail(value.span, "unresolved-placeholder",
                            "placeholder " + names +
                                " has no values: give them in a placeholder file (--placeholders FILE)");
            }
            values = std::move(next);
            notes.push_back("expand");
            break;
        }
        case ModifierKind::Base64:
        case ModifierKind::Base64Offset:
        case ModifierKind::Utf16le:
        case ModifierKind::Utf16be:
        case ModifierKind::Utf16: {
            const bool encodeParts =
                m.kind == ModifierKind::Utf16le || m.kind == ModifierKind::Utf16be || m.kind == ModifierKind::Utf16;
            for (const auto& v : values) {
                if (encodeParts) {
                    // pySigma encodes the literal runs and keeps the wildcards; a BOM starts the value.
                    SigmaString out;
                    bool first = true;
                    for (const auto& p : v.parts) {
                        if (p.kind != SigmaString::Part::Kind::Literal) {
                            out.parts.push_back(p);
                            continue;
                        }
                        const Utf16Kind kind = m.kind == ModifierKind::Utf16be            ? Utf16Kind::BE
                                               : (m.kind == ModifierKind::Utf16 && first) ? Utf16Kind::WithBom
                                                                                          : Utf16Kind::LE;
                        out.appendLiteral(toUtf16(p.text, kind));
                        first = false;
                    }
                    next.push_back(std::move(out));
                    continue;
                }
                if (v.hasWildcards()) {
                    return fail(m.span.valid() ? m.span : value.span, "wildcard-in-encoded-value",
                                "'" + m.written + "' cannot encode a value with wildcards ('" + value.text +
                                    "'); put contains/startswith/endswith after it");
                }
                if (m.kind == ModifierKind::Base64) {
                    next.push_back(SigmaString::literal(base64Encode(v.plain())));
                } else {
                    for (auto& s : base64OffsetVariants(v.plain()))
                        next.push_back(SigmaString::literal(s));
                }
            }
            values = std::move(next);
            notes.push_back(m.written.empty() ? modifierName(m.kind) : m.written);
            break;
        }
        default:
            break;
        }
    }
    if (item.isKeyword || item.field.empty()) {
        // Keywords are a full-text search (pySigma backends: an unanchored search term): the value
        // may occur anywhere in a field value.
        for (auto& v : values) {
            v.prependStar();
            v.appendStar();
        }
    }
    result.strings = std::move(values);
    return result;
}

} // namespace sigma::engine
