// The evaluation of one detection item and one search (the value matchers are in match*.cpp).
#include "engine/casefold.h"
#include "engine/compiled.h"
#include "engine/itemaccelerator.h"
#include "engine/valuematchers.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>

namespace sigma::engine {

void EvalContext::init()
{
    const auto& fields = m_event->fields;
    std::size_t total = 0;
    for (const auto& f : fields)
        total += f.size;
    // Simple case folding grows a UTF-8 sequence by at most half (2 -> 3 bytes): reserve that so
    // the buffer never moves.
    m_buffer.clear();
    m_buffer.reserve(total + total / 2 + 16);
    m_spans.assign(fields.size(), {kNotFolded, 0});
}

void EvalContext::foldField(std::size_t index)
{
    const std::string_view v = m_event->text(index);
    // One pass: lower ASCII letters while watching for non-ASCII bytes; redo the value with
    // Unicode folding only if there was one.
    const std::size_t at = m_buffer.size();
    m_buffer.resize(at + v.size());
    char* out = m_buffer.data() + at;
    unsigned char high = 0;
    std::size_t k = 0;
#if defined(__SSE2__)
    // 16 bytes at a time: 'A'..'Z' get 0x20 added; a byte >= 0x80 (negative as signed) sends the
    // value to the Unicode path below.
    const __m128i beforeA = _mm_set1_epi8('A' - 1);
    const __m128i afterZ = _mm_set1_epi8('Z' + 1);
    const __m128i caseBit = _mm_set1_epi8(0x20);
    for (; k + 16 <= v.size(); k += 16) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(v.data() + k));
        if (_mm_movemask_epi8(x) != 0) {
            high = 0x80;
            break;
        }
        const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(x, beforeA), _mm_cmplt_epi8(x, afterZ));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + k), _mm_add_epi8(x, _mm_and_si128(upper, caseBit)));
    }
#endif
    if (!(high & 0x80)) {
        for (; k < v.size(); ++k) {
            const auto c = static_cast<unsigned char>(v[k]);
            high |= c;
            out[k] = static_cast<char>(c + (static_cast<unsigned>(c - 'A') < 26u ? 32 : 0));
        }
    }
    if (high & 0x80) {
        m_buffer.resize(at);
        appendFolded(v, m_buffer);
    }
    m_spans[index] = {at, m_buffer.size() - at};
}

const SystemKeys& SystemKeys::get()
{
    static const SystemKeys keys{FieldNames::internKey("Channel"), FieldNames::internKey("Provider_Name"),
                                 FieldNames::internKey("EventID")};
    return keys;
}

// --- evaluation of one item ------------------------------------------------------------------------

namespace {

/// Fast path: the value against the given field indices.
Outcome testValueAt(const CompiledValue& value, EvalContext& ctx, const std::size_t* indices, std::size_t count)
{
    if (count == 0)
        return value.matcher->testAbsent();
    bool sawError = false;
    for (std::size_t k = 0; k < count; ++k) {
        const Outcome o = value.matcher->test(ctx, indices[k], nullptr);
        if (o == Outcome::Matched)
            return Outcome::Matched;
        sawError |= o == Outcome::Error;
    }
    return sawError ? Outcome::Error : Outcome::NotMatched;
}

/// Tests one value against the event: every occurrence of the field (or every field for keywords).
Outcome testValue(const CompiledItem& item, const CompiledValue& value, EvalContext& ctx, ExplainNode* node)
{
    const auto& fields = ctx.event().fields;
    std::string error;
    std::string* errorOut = node || ctx.errors ? &error : nullptr;
    bool sawError = false, present = false;
    std::size_t firstSeen = SIZE_MAX;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (!item.keyword && fields[i].key != item.key)
            continue;
        present = true;
        if (firstSeen == SIZE_MAX)
            firstSeen = i;
        const Outcome o = value.matcher->test(ctx, i, errorOut);
        if (o == Outcome::Matched) {
            if (node) {
                node->eventValue = std::string(ctx.event().text(i));
                node->eventField = std::string(FieldNames::text(fields[i].name));
            }
            return Outcome::Matched;
        }
        if (o == Outcome::Error)
            sawError = true;
    }
    if (node && firstSeen != SIZE_MAX && !item.keyword) {
        node->eventValue = std::string(ctx.event().text(firstSeen));
        node->eventField = std::string(FieldNames::text(fields[firstSeen].name));
    }
    if (sawError) {
        if (node)
            node->detail = error;
        if (ctx.errors)
            ctx.errors->push_back(error);
        return Outcome::Error;
    }
    if (!present)
        return item.keyword ? Outcome::NotMatched : value.matcher->testAbsent();
    return Outcome::NotMatched;
}

} // namespace

ExplainNode valueNode(const CompiledItem& item, const CompiledValue& value)
{
    ExplainNode n;
    n.kind = ExplainNode::Kind::Value;
    n.label = value.label;
    n.span = value.span;
    n.field = item.field;
    n.valueIndex = value.valueIndex;
    n.itemIndex = item.itemIndex;
    n.detail = value.matcher->describe();
    return n;
}

Outcome evalItem(const CompiledItem& item, EvalContext& ctx, ExplainNode* explain, bool shortCircuit)
{
    if (!explain && !ctx.errors && !item.keyword) {
        // Fast path: find the field once (up to a few occurrences), then test the values.
        std::size_t indices[8];
        std::size_t count = 0;
        const auto& fields = ctx.event().fields;
        for (std::size_t i = 0; i < fields.size() && count < 8; ++i)
            if (fields[i].key == item.key)
                indices[count++] = i;
        if (count < 8 && item.accelerator) {
            // Plain string values only: no errors, and "field absent" when it is.
            if (count == 0)
                return Outcome::FieldAbsent;
            const ItemAccelerator& acc = *item.accelerator;
            for (std::size_t k = 0; k < count; ++k)
                if (acc.anyMatch(acc.folds() ? ctx.folded(indices[k]) : ctx.raw(indices[k])))
                    return Outcome::Matched;
            return Outcome::NotMatched;
        }
        if (count < 8) {
            bool anyError = false;
            Outcome firstFailure = Outcome::NotMatched;
            bool haveFailure = false;
            for (const auto& v : item.values) {
                const Outcome o = testValueAt(v, ctx, indices, count);
                if (o == Outcome::Matched) {
                    if (!item.all)
                        return Outcome::Matched;
                    continue;
                }
                if (item.all)
                    return o;
                anyError |= o == Outcome::Error;
                if (!haveFailure) {
                    firstFailure = o;
                    haveFailure = true;
                }
            }
            if (item.all)
                return Outcome::Matched;
            if (anyError)
                return Outcome::Error;
            return firstFailure == Outcome::FieldAbsent ? Outcome::FieldAbsent : Outcome::NotMatched;
        }
    }
    bool anyMatched = false, anyError = false, allMatched = true;
    Outcome firstFailure = Outcome::NotMatched;
    bool haveFailure = false;
    bool decided = false;
    for (const auto& v : item.values) {
        ExplainNode* vn = nullptr;
        if (explain) {
            explain->children.push_back(valueNode(item, v));
            vn = &explain->children.back();
        }
        if (decided && (shortCircuit || !explain)) {
            if (vn)
                vn->outcome = Outcome::Skipped;
            continue;
        }
        const Outcome o = testValue(item, v, ctx, vn);
        if (vn)
            vn->outcome = o;
        if (o == Outcome::Matched) {
            anyMatched = true;
            if (!item.all)
                decided = true;
        } else {
            allMatched = false;
            anyError |= o == Outcome::Error;
            if (!haveFailure) {
                firstFailure = o;
                haveFailure = true;
            }
            if (item.all)
                decided = true;
        }
    }
    if (item.all)
        return allMatched ? Outcome::Matched : firstFailure;
    if (anyMatched)
        return Outcome::Matched;
    if (anyError)
        return Outcome::Error;
    return firstFailure == Outcome::FieldAbsent ? Outcome::FieldAbsent : Outcome::NotMatched;
}

Tri evalSearch(const CompiledSearch& search, EvalContext& ctx)
{
    bool error = false;
    for (const auto& map : search.maps) {
        Tri r = Tri::True;
        for (const auto index : map.order) {
            const CompiledItem& item = map.items[index];
            const Outcome o = evalItem(item, ctx, nullptr, true);
            if (o != Outcome::Matched) {
                r = o == Outcome::Error ? Tri::Error : Tri::False;
                break;
            }
        }
        if (r == Tri::True)
            return Tri::True;
        error |= r == Tri::Error;
    }
    return error ? Tri::Error : Tri::False;
}

} // namespace sigma::engine
