#include "events/evtx/binxml.h"

#include "events/evtx/binxmlcompiler.h"
#include "events/evtx/evtxevent.h"
#include "events/evtx/fieldplan.h"
#include "events/normalize.h"
#include "events/windowsformat.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <mutex>
#include <stdexcept>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace sigma::evtx {

namespace {

/// The process-wide cache behind TemplateCache: looked up once per template and chunk (the chunk's
/// own table answers the other records), so one lock is enough.
class SharedTemplates {
public:
    static SharedTemplates& instance()
    {
        static SharedTemplates cache;
        return cache;
    }
    std::shared_ptr<const CompiledTemplate> find(const std::string& key)
    {
        const std::lock_guard lock(m_mutex);
        const auto it = m_templates.find(key);
        return it == m_templates.end() ? nullptr : it->second;
    }
    void add(std::string key, std::shared_ptr<const CompiledTemplate> t)
    {
        const std::lock_guard lock(m_mutex);
        if (m_templates.size() >= kMaxTemplates) // logs of many providers: start again
            m_templates.clear();
        m_templates.emplace(std::move(key), std::move(t));
    }
    std::size_t size()
    {
        const std::lock_guard lock(m_mutex);
        return m_templates.size();
    }
    void clear()
    {
        const std::lock_guard lock(m_mutex);
        m_templates.clear();
    }

private:
    static constexpr std::size_t kMaxTemplates = 2048; // keys of a few KiB each
    std::mutex m_mutex;
    std::unordered_map<std::string, std::shared_ptr<const CompiledTemplate>> m_templates;
};

/// No value for a substitution: Null, no bytes, or none at all. An optional one drops its
/// attribute, and the element it is the whole content of, as Windows does.
template <class Value>
bool isNullValue(std::span<const Value> values, std::size_t index)
{
    return index >= values.size() || values[index].type == static_cast<std::uint8_t>(BinXmlType::Null) ||
           values[index].size == 0;
}

/// A value that is a nested fragment to decode: Binary XML of some bytes.
template <class Value>
bool holdsFragment(const Value& v)
{
    return v.type == static_cast<std::uint8_t>(BinXmlType::BinXml) && v.size > 0;
}

std::atomic<std::uint64_t> destroyedTemplates{0};
std::atomic<std::uint64_t> knownGeneration{0}; ///< TemplateCache::clear() empties every thread's
std::atomic<std::size_t> recognisedCount{0};

} // namespace

/// Where a definition's bytes depend on its chunk: the name references (u32 chunk offsets) and the
/// inline names' links to the next name of their hash bucket. Made with the template key.
struct DefinitionShape {
    struct Name {
        enum Kind : std::uint8_t { Inline, Elsewhere, ElsewhereElement } kind = Inline;
        std::uint16_t units = 0;     ///< Elsewhere: UTF-16 units of the name
        std::uint32_t at = 0;        ///< the reference's offset in the definition
        std::uint32_t textBegin = 0; ///< Elsewhere: where `text` holds the name's UTF-16 bytes
    };
    std::vector<Name> names;
    std::string text;
    bool recognisable = true; ///< false: an element without its dependency identifier
};

namespace {

/// The definitions this thread met, by GUID and size, each with its bytes and the texts of the
/// names it refers to elsewhere in its chunk: a definition at another offset of another chunk is the
/// same template when its bytes are equal but for its name references, each inline at the same
/// relative offset or referring to a name of the same text (what the template key compares, made
/// without making the key). Bounded: emptied when full.
class KnownDefinitions {
public:
    static KnownDefinitions& forThisThread()
    {
        thread_local KnownDefinitions known;
        if (const std::uint64_t generation = knownGeneration.load(std::memory_order_relaxed);
            known.m_generation != generation) {
            known.m_known.clear();
            known.m_count = 0;
            known.m_generation = generation;
        }
        return known;
    }

    std::shared_ptr<const CompiledTemplate> find(Bytes chunk, std::size_t definition, std::size_t size) const
    {
        const auto it = m_known.find(keyOf(chunk, definition, size));
        if (it == m_known.end())
            return nullptr;
        for (const Known& k : it->second)
            if (k.bytes.size() == size && std::memcmp(k.guid.data(), chunk.data() + definition + 4, 16) == 0 &&
                sameTemplate(k, chunk, definition + 24)) {
                recognisedCount.fetch_add(1, std::memory_order_relaxed);
                return k.compiled;
            }
        return nullptr;
    }

    void add(Bytes chunk, std::size_t definition, std::size_t size, DefinitionShape&& shape,
             std::shared_ptr<const CompiledTemplate> compiled)
    {
        if (m_count >= kMaxKnown) {
            m_known.clear();
            m_count = 0;
        }
        Known k;
        std::memcpy(k.guid.data(), chunk.data() + definition + 4, 16);
        k.bytes.assign(reinterpret_cast<const char*>(chunk.data() + definition + 24), size);
        k.names = std::move(shape.names);
        k.text = std::move(shape.text);
        k.compiled = std::move(compiled);
        m_known[keyOf(chunk, definition, size)].push_back(std::move(k));
        ++m_count;
    }

private:
    struct Known {
        std::array<std::uint8_t, 16> guid{};
        std::string bytes; ///< the definition's data (after its 24-byte header)
        std::vector<DefinitionShape::Name> names;
        std::string text;
        std::shared_ptr<const CompiledTemplate> compiled;
    };

    static std::uint64_t keyOf(Bytes chunk, std::size_t definition, std::size_t size)
    {
        const std::uint8_t* g = chunk.data() + definition + 4;
        return (le64(g) * 0x9E3779B97F4A7C15ull) ^ le64(g + 8) ^ (std::uint64_t(size) << 40);
    }

    /// The definition whose data starts at chunk offset `begin` (as many bytes as `k`'s) against `k`.
    static bool sameTemplate(const Known& k, Bytes chunk, std::size_t begin)
    {
        const std::uint8_t* d = chunk.data() + begin;
        const auto* b = reinterpret_cast<const std::uint8_t*>(k.bytes.data());
        std::size_t from = 0;
        for (const DefinitionShape::Name& n : k.names) {
            if (n.at < from || std::memcmp(d + from, b + from, n.at - from) != 0)
                return false;
            const std::uint32_t offset = le32(d + n.at);
            const std::size_t here = begin + n.at + 4; // an inline name starts right after its reference
            if (n.kind == DefinitionShape::Name::Inline) {
                if (offset != here)
                    return false;
                from = n.at + 8; // the reference and the name's link: the rest of the name is compared
                continue;
            }
            // Elsewhere: in the chunk, before the reference where the key's walk requires it, and the
            // same text.
            if (offset == here || offset < chunkHeaderSize || std::size_t(offset) + 8 > chunk.size() ||
                (n.kind == DefinitionShape::Name::ElsewhereElement && offset > here))
                return false;
            if (le16(chunk.data() + offset + 6) != n.units || offset + 8 + 2 * std::size_t(n.units) > chunk.size() ||
                std::memcmp(chunk.data() + offset + 8, k.text.data() + n.textBegin, 2 * std::size_t(n.units)) != 0)
                return false;
            from = n.at + 4;
        }
        return std::memcmp(d + from, b + from, k.bytes.size() - from) == 0;
    }

    static constexpr std::size_t kMaxKnown = 1024; // a few KiB each
    std::unordered_map<std::uint64_t, std::vector<Known>> m_known;
    std::size_t m_count = 0;
    std::uint64_t m_generation = 0;
};

} // namespace

void templateDestroyed()
{
    destroyedTemplates.fetch_add(1, std::memory_order_release);
}

std::uint64_t templateGeneration()
{
    return destroyedTemplates.load(std::memory_order_acquire);
}

std::size_t TemplateCache::size()
{
    return SharedTemplates::instance().size();
}

void TemplateCache::clear()
{
    SharedTemplates::instance().clear();
    knownGeneration.fetch_add(1, std::memory_order_relaxed);
}

std::size_t TemplateCache::recognised()
{
    return recognisedCount.load(std::memory_order_relaxed);
}

struct ChunkDecoder::Scratch {
    std::vector<std::vector<Value>> valueStack;
    std::vector<std::string> attributeText;
    std::vector<XmlAttribute> attributes;
    std::vector<std::string> items;
    std::string text;
    /// A planned record: the values of its fragments, and its nested fragments in the order their
    /// plans run (first and count in planValues).
    struct Prepared {
        const FieldPlan* plan = nullptr;
        std::size_t first = 0, count = 0;
    };
    std::vector<Value> planValues;
    std::vector<Value> nestedValues;
    std::vector<Prepared> prepared;
    std::vector<EventField> planFields;
    std::string planText;
};

std::unique_ptr<ChunkDecoder::Scratch>& ChunkDecoder::threadScratch()
{
    thread_local std::unique_ptr<Scratch> spare;
    return spare;
}

ChunkDecoder::ChunkDecoder(Bytes chunk)
    : m_chunk(chunk)
    , m_s(threadScratch() ? std::move(threadScratch()) : std::make_unique<Scratch>())
{}

/// The definition's content independent of its chunk: the tokens in order, each name as its
/// UTF-16 text instead of its chunk offset. False (nothing shared) when anything is out of the
/// ordinary; the compiler then says what is damaged.
bool ChunkDecoder::templateKey(std::size_t begin, std::size_t end, std::string& key, DefinitionShape* shape) const
{
    const std::uint8_t* c = m_chunk.data();
    const auto bytes = [&](std::size_t at, std::size_t n) { key.append(reinterpret_cast<const char*>(c + at), n); };
    // A name at chunk offset `offset`, referred to at `p`; `p` moved past an inline name.
    const auto name = [&](std::size_t& p, bool element) {
        if (p + 4 > end)
            return false;
        const std::uint32_t offset = le32(c + p);
        p += 4;
        if (offset < chunkHeaderSize || std::size_t(offset) + 8 > m_chunk.size())
            return false;
        const std::size_t count = le16(c + offset + 6);
        if (offset + 8 + 2 * count > m_chunk.size())
            return false;
        key += static_cast<char>(count & 0xff);
        key += static_cast<char>(count >> 8);
        bytes(offset + 8, 2 * count);
        if (shape) {
            DefinitionShape::Name n;
            n.at = static_cast<std::uint32_t>(p - 4 - begin); // relative to the definition's data
            if (offset != p) {
                n.kind = element ? DefinitionShape::Name::ElsewhereElement : DefinitionShape::Name::Elsewhere;
                n.units = static_cast<std::uint16_t>(count);
                n.textBegin = static_cast<std::uint32_t>(shape->text.size());
                shape->text.append(reinterpret_cast<const char*>(c + offset + 8), 2 * count);
            }
            shape->names.push_back(n);
        }
        if (offset == p) {
            p += 8 + 2 * count + 2;
            if (p > end)
                return false;
        }
        return true;
    };
    const auto utf16 = [&](std::size_t& p) {
        if (p + 2 > end)
            return false;
        const std::size_t n = 2 + 2 * std::size_t(le16(c + p));
        if (p + n > end)
            return false;
        bytes(p, n);
        p += n;
        return true;
    };
    const auto plausibleName = [&](std::uint32_t offset, std::size_t here) {
        return offset == here || (offset >= chunkHeaderSize && offset + 8 <= m_chunk.size() && offset < here);
    };
    key.clear();
    bytes(begin - 24 + 4, 16); // the GUID
    for (std::size_t p = begin + 4; p < end;) {
        const std::uint8_t t = c[p];
        key += static_cast<char>(t);
        switch (t & ~moreFlag) {
        case OpenStartElement: {
            if (p + 11 > end)
                return false;
            std::size_t at = p + 7; // as Compiler::element: the dependency identifier may be missing
            if (!plausibleName(le32(c + at), at + 4)) {
                if (plausibleName(le32(c + p + 5), p + 9))
                    at = p + 5;
                if (shape) // the choice depends on the bytes of a name reference
                    shape->recognisable = false;
            }
            p = at;
            if (!name(p, true))
                return false;
            if (t & moreFlag)
                p += 4;
            break;
        }
        case CloseStartElement:
        case CloseEmptyElement:
        case EndElement:
            ++p;
            break;
        case EndOfFragment:
            return true;
        case ValueText:
            if (p + 2 > end)
                return false;
            key += static_cast<char>(c[p + 1]);
            p += 2;
            if (!utf16(p))
                return false;
            break;
        case Attribute:
        case EntityRef:
        case PITarget:
            ++p;
            if (!name(p, false))
                return false;
            break;
        case CDataSection:
        case PIData:
            ++p;
            if (!utf16(p))
                return false;
            break;
        case CharRef:
            if (p + 3 > end)
                return false;
            bytes(p + 1, 2);
            p += 3;
            break;
        case NormalSubstitution:
        case OptionalSubstitution:
            if (t & moreFlag || p + 4 > end)
                return false;
            bytes(p + 1, 3);
            p += 4;
            break;
        default:
            return false;
        }
    }
    return true;
}

ChunkDecoder::~ChunkDecoder()
{
    if (m_planned > 0)
        countFieldPlanRecords(m_planned);
    if (std::unique_ptr<Scratch>& spare = threadScratch(); !spare)
        spare = std::move(m_s);
}

const std::string& ChunkDecoder::nameAt(std::uint32_t offset)
{
    if (const auto it = m_names.find(offset); it != m_names.end())
        return it->second;
    if (offset < chunkHeaderSize || std::size_t(offset) + 8 > m_chunk.size())
        damaged("name offset out of the chunk", offset);
    const std::size_t count = le16(m_chunk.data() + offset + 6);
    if (offset + 8 + 2 * count > m_chunk.size())
        damaged("name beyond the chunk", offset);
    return m_names.emplace(offset, windows::utf16ToUtf8(m_chunk.subspan(offset + 8, 2 * count))).first->second;
}

const CompiledTemplate& ChunkDecoder::templateAt(std::uint32_t definition)
{
    if (const auto it = m_templates.find(definition); it != m_templates.end()) {
        if (!it->second) // compiled before and found damaged: every record using it is
            damaged("damaged template definition", definition);
        return *it->second;
    }
    // Remembered as damaged until compiled: a damaged definition is parsed once per chunk.
    m_templates.emplace(definition, nullptr);
    // Next-template offset (u32), GUID (16 bytes), data size (u32), then the fragment.
    if (definition < chunkHeaderSize || std::size_t(definition) + 24 > m_chunk.size())
        damaged("template definition offset out of the chunk", definition);
    const std::size_t size = le32(m_chunk.data() + definition + 20);
    const std::size_t begin = std::size_t(definition) + 24;
    if (size < 5 || begin + size > m_chunk.size())
        damaged("template definition size out of the chunk", definition);
    if (m_chunk[begin] != FragmentHeader)
        damaged("template definition without a fragment header", begin);
    KnownDefinitions& known = KnownDefinitions::forThisThread();
    if (auto t = known.find(m_chunk, definition, size))
        return *(m_templates[definition] = std::move(t));
    std::string key;
    key.reserve(size + 64); // about the definition's size (names referred to elsewhere add to it)
    DefinitionShape shape;
    const bool shareable = templateKey(begin, begin + size, key, &shape);
    std::shared_ptr<const CompiledTemplate> shared = shareable ? SharedTemplates::instance().find(key) : nullptr;
    if (!shared) {
        auto t = std::make_shared<CompiledTemplate>();
        Compiler compiler(*this, *t, begin + size);
        std::size_t pos = begin + 4;
        t->root = compiler.element(pos, 0);
        shared = std::move(t);
        if (shareable)
            SharedTemplates::instance().add(std::move(key), shared);
    }
    if (shareable && shape.recognisable)
        known.add(m_chunk, definition, size, std::move(shape), shared);
    return *(m_templates[definition] = std::move(shared));
}

const CompiledTemplate* ChunkDecoder::instance(std::size_t& pos, std::size_t end, int depth, std::vector<Value>& values)
{
    if (depth > maxFragmentDepth)
        damaged("Binary XML fragments nested too deeply", pos);
    if (pos + 5 > end)
        damaged("Binary XML fragment ends early", pos);
    // A record's fragment has a header; a BinXml value may start at its element or template
    // instance directly.
    if (m_chunk[pos] == FragmentHeader)
        pos += 4;
    const std::uint8_t token = m_chunk[pos];
    if ((token & ~moreFlag) == OpenStartElement) // a fragment without template: no values
        return nullptr;
    if (token != TemplateInstance)
        damaged("expected a template instance, found token 0x" + std::to_string(token), pos);
    // Token, unknown byte, template identifier (u32), definition offset (u32).
    if (pos + 10 > end)
        damaged("template instance ends early", pos);
    const std::uint32_t definition = le32(m_chunk.data() + pos + 6);
    pos += 10;
    if (definition == pos) { // the definition is stored here, in this record
        if (pos + 24 > end)
            damaged("template definition ends early", pos);
        pos += 24 + std::size_t(le32(m_chunk.data() + pos + 20));
    }
    const CompiledTemplate& t = templateAt(definition);
    if (pos + 4 > end)
        damaged("no substitution values", pos);
    const std::size_t count = le32(m_chunk.data() + pos);
    pos += 4;
    if (count > (end - pos) / 4)
        damaged("substitution value count " + std::to_string(count) + " out of range", pos - 4);
    std::size_t data = pos + 4 * count;
    for (std::size_t i = 0; i < count; ++i, pos += 4) {
        const std::size_t size = le16(m_chunk.data() + pos);
        if (data + size > end)
            damaged("substitution value " + std::to_string(i) + " beyond the record", pos);
        values.push_back(Value{m_chunk[pos + 2], static_cast<std::uint32_t>(data), static_cast<std::uint32_t>(size)});
        data += size;
    }
    return &t;
}

void ChunkDecoder::fragment(std::size_t pos, std::size_t end, XmlSink& sink, int depth, FieldBuilder* fields)
{
    if (m_s->valueStack.size() <= std::size_t(depth))
        m_s->valueStack.resize(depth + 1);
    auto& values = m_s->valueStack[depth];
    values.clear();
    const CompiledTemplate* t = instance(pos, end, depth, values);
    if (!t) {
        auto own = std::make_unique<CompiledTemplate>();
        Compiler compiler(*this, *own, end);
        own->root = compiler.element(pos, 0);
        emit(*own, own->root, {}, sink, depth);
        return;
    }
    if (fields && planned(*t, values, *fields))
        return;
    emit(*t, t->root, values, sink, depth);
}

bool ChunkDecoder::planned(const CompiledTemplate& t, std::span<const Value> values, FieldBuilder& builder)
{
    NameIds& ids = builder.ids();
    ids.beginPlans();
    const FieldPlan* plan = ids.plan(t, FieldPlan::Context::Record);
    if (!plan)
        return false;
    m_s->planValues.assign(values.begin(), values.end());
    m_s->prepared.clear();
    if (!prepare(*plan, 0, values.size(), 0, ids))
        return false;
    m_nextPrepared = 0;
    m_s->planText.clear();
    m_s->planFields.clear();
    runPlan(*plan, 0, values.size());
    builder.plannedEvent().add(m_s->planFields, m_s->planText);
    ++m_planned;
    return true;
}

/// Checks that the values are what the plan needs (FieldPlan::Role), and readies the nested
/// fragments its Nested steps will run: their templates, plans and values, depth first, each as
/// fragment() would read it (a damaged one throws as it would there).
bool ChunkDecoder::prepare(const FieldPlan& plan, std::size_t first, std::size_t count, int depth, NameIds& ids)
{
    constexpr auto binXml = static_cast<std::uint8_t>(BinXmlType::BinXml);
    for (std::size_t i = 0; i < count; ++i) {
        const Value& v = m_s->planValues[first + i];
        if (v.type & binXmlArrayFlag) // an element repeated per item: FieldBuilder's
            return false;
        const std::uint8_t role = i < plan.roles.size() ? plan.roles[i] : 0;
        if (v.type == binXml && ((role & FieldPlan::Text) || ((role & FieldPlan::Silent) && v.size > 0)))
            return false;
    }
    for (const std::uint32_t n : plan.nestedSteps) {
        const FieldPlan::Step& s = plan.steps[n];
        if (s.index >= count)
            continue;
        const Value v = m_s->planValues[first + s.index];
        if (!holdsFragment(v))
            continue;
        std::size_t pos = v.offset;
        m_s->nestedValues.clear();
        const CompiledTemplate* t = instance(pos, std::size_t(v.offset) + v.size, depth + 1, m_s->nestedValues);
        if (!t)
            return false;
        const FieldPlan* nested = ids.plan(*t, s.nested);
        if (!nested)
            return false;
        const std::size_t nestedFirst = m_s->planValues.size();
        m_s->planValues.insert(m_s->planValues.end(), m_s->nestedValues.begin(), m_s->nestedValues.end());
        m_s->prepared.push_back(Scratch::Prepared{nested, nestedFirst, m_s->nestedValues.size()});
        if (!prepare(*nested, nestedFirst, m_s->nestedValues.size(), depth + 1, ids))
            return false;
    }
    return true;
}

void ChunkDecoder::runPlan(const FieldPlan& plan, std::size_t first, std::size_t count)
{
    const std::span<const Value> values(m_s->planValues.data() + first, count);
    const auto isNull = [&](std::size_t index) { return isNullValue(values, index); };
    std::string& text = m_s->planText;
    for (const FieldPlan::Step& s : plan.steps) {
        if (s.elementDrop >= 0 && isNull(std::size_t(s.elementDrop)))
            continue;
        if (s.kind == FieldPlan::Step::Nested) {
            if (s.index < count && holdsFragment(values[s.index])) {
                const Scratch::Prepared p = m_s->prepared[m_nextPrepared++];
                runPlan(*p.plan, p.first, p.count);
            }
            continue;
        }
        const std::size_t begin = text.size();
        bool dropped = false;
        for (std::uint32_t i = 0; i < s.partCount; ++i) {
            const FieldPlan::Part& p = plan.parts[s.firstPart + i];
            if (!p.substitution)
                text += p.literal;
            else if (p.optional && isNull(p.index))
                dropped = true;
            else if (p.index < count)
                appendValue(values[p.index], text, m_s->items);
        }
        bool add = true;
        switch (s.kind) {
        case FieldPlan::Step::ElementText:
            add = text.size() > begin;
            break;
        case FieldPlan::Step::AttributeText:
            add = !dropped && text.size() > begin;
            break;
        case FieldPlan::Step::TimeText:
            add = !dropped && text.size() > begin;
            if (std::array<char, 27> normalized;
                add && detail::normalizedTime(std::string_view(text).substr(begin), normalized)) {
                text.resize(begin);
                text.append(normalized.data(), normalized.size());
            }
            break;
        case FieldPlan::Step::DataText:
        case FieldPlan::Step::Nested:
            break;
        }
        if (add)
            m_s->planFields.push_back(
                EventField{s.id, s.key, std::uint32_t(begin), std::uint32_t(text.size() - begin)});
        else
            text.resize(begin);
    }
}

void ChunkDecoder::appendValue(const Value& v, std::string& out, std::vector<std::string>& items)
{
    if (v.type == static_cast<std::uint8_t>(BinXmlType::String)) { // most values: ASCII text
        const std::uint8_t* p = m_chunk.data() + v.offset;
        const std::size_t units = v.size / 2;
        const std::size_t start = out.size();
        // Converted a block at a time on the stack and appended (resizing `out` first zeroed it all).
        char block[256];
        std::size_t i = 0;
        for (;;) {
            const std::size_t n = std::min(sizeof block, units - i);
            std::size_t k = 0;
            const std::uint8_t* q = p + 2 * i;
#ifdef __SSE2__
            // Eight units at a time while they are all ASCII (1 to 0x7F): paths and command lines.
            const __m128i zero = _mm_setzero_si128();
            const __m128i limit = _mm_set1_epi16(0x80);
            for (; k + 8 <= n; k += 8) {
                const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 2 * k));
                const __m128i ascii = _mm_and_si128(_mm_cmpgt_epi16(w, zero), _mm_cmplt_epi16(w, limit));
                if (_mm_movemask_epi8(ascii) != 0xFFFF)
                    break;
                _mm_storel_epi64(reinterpret_cast<__m128i*>(block + k), _mm_packus_epi16(w, w));
            }
#endif
            for (; k < n && q[2 * k + 1] == 0 && q[2 * k] != 0 && q[2 * k] < 0x80; ++k)
                block[k] = static_cast<char>(q[2 * k]);
            out.append(block, k);
            i += k;
            if (k < n || i == units)
                break;
        }
        if (i == units || (p[2 * i] == 0 && p[2 * i + 1] == 0))
            return; // all ASCII, or ASCII up to a terminating NUL
        out.resize(start);
    }
    if (windows::appendScalar(v.type, m_chunk.subspan(v.offset, v.size), out))
        return;
    items.clear();
    if (!windows::formatValue(v.type, m_chunk.subspan(v.offset, v.size), items))
        return; // no text (EvtHandle, …): nothing, as Windows shows nothing
    for (std::size_t i = 0; i < items.size(); ++i)
        out += items[i];
}

void ChunkDecoder::emit(const CompiledTemplate& t, std::uint32_t n, std::span<const Value> values, XmlSink& sink,
                        int depth)
{
    const CompiledTemplate::Node& node = t.nodes[n];
    const auto isNull = [&](const CompiledTemplate::Part& p) { return isNullValue(values, p.index); };
    m_s->attributes.clear();
    if (m_s->attributeText.size() < node.attrCount)
        m_s->attributeText.resize(node.attrCount);
    for (std::uint32_t a = 0; a < node.attrCount; ++a) {
        const CompiledTemplate::Attr& attr = t.attrs[node.firstAttr + a];
        if (attr.partCount == 1 && t.parts[attr.firstPart].kind == CompiledTemplate::Part::Literal) {
            // <Data Name="CommandLine">: the template's text, not copied
            m_s->attributes.push_back({t.strings[attr.name], t.strings[t.parts[attr.firstPart].ref], true});
            continue;
        }
        std::string& text = m_s->attributeText[a];
        text.clear();
        bool dropped = false;
        for (std::uint32_t i = 0; i < attr.partCount; ++i) {
            const CompiledTemplate::Part& p = t.parts[attr.firstPart + i];
            if (p.kind == CompiledTemplate::Part::Literal)
                text += t.strings[p.ref];
            else if (p.kind == CompiledTemplate::Part::Substitution && p.optional && isNull(p))
                dropped = true;
            else if (p.kind == CompiledTemplate::Part::Substitution && p.index < values.size())
                appendValue(values[p.index], text, m_s->items);
        }
        if (!dropped)
            m_s->attributes.push_back({t.strings[attr.name], text});
    }
    const std::string_view name = t.strings[node.name];
    // An element whose content is one array substitution is repeated for each item.
    if (node.partCount == 1) {
        const CompiledTemplate::Part& p = t.parts[node.firstPart];
        if (p.kind == CompiledTemplate::Part::Substitution && p.optional && isNull(p))
            return;
        if (p.kind == CompiledTemplate::Part::Substitution && p.index < values.size() &&
            (values[p.index].type & binXmlArrayFlag)) {
            std::vector<std::string> items;
            const Value& v = values[p.index];
            windows::formatValue(v.type, m_chunk.subspan(v.offset, v.size), items);
            for (const auto& item : items) {
                sink.startElement(name, m_s->attributes);
                sink.text(item);
                sink.endElement();
            }
            return;
        }
    }
    sink.startElement(name, m_s->attributes);
    for (std::uint32_t i = 0; i < node.partCount; ++i) {
        const CompiledTemplate::Part& p = t.parts[node.firstPart + i];
        switch (p.kind) {
        case CompiledTemplate::Part::Literal:
            sink.text(t.strings[p.ref]);
            break;
        case CompiledTemplate::Part::Element:
            emit(t, p.ref, values, sink, depth);
            break;
        case CompiledTemplate::Part::Substitution: {
            if (p.index >= values.size())
                break;
            const Value v = values[p.index];
            if (v.type == static_cast<std::uint8_t>(BinXmlType::BinXml)) {
                if (v.size > 0)
                    fragment(v.offset, std::size_t(v.offset) + v.size, sink, depth + 1);
                break;
            }
            if (std::string* direct = sink.textBuffer()) {
                appendValue(v, *direct, m_s->items);
                break;
            }
            m_s->text.clear();
            appendValue(v, m_s->text, m_s->items);
            sink.text(m_s->text);
            break;
        }
        }
    }
    sink.endElement();
}

bool ChunkDecoder::decode(const RecordSpan& record, XmlSink& sink, std::string& error)
{
    return decodeRecord(record, sink, nullptr, error);
}

bool ChunkDecoder::decodeFields(const RecordSpan& record, FieldBuilder& builder, std::string& error)
{
    return decodeRecord(record, builder, fieldPlansEnabled() ? &builder : nullptr, error);
}

bool ChunkDecoder::decodeRecord(const RecordSpan& record, XmlSink& sink, FieldBuilder* fields, std::string& error)
{
    try {
        const std::size_t begin = std::size_t(record.offset) + recordHeaderSize;
        const std::size_t end = std::size_t(record.offset) + record.size - 4;
        if (begin >= end || end > m_chunk.size())
            damaged("record size out of the chunk", record.offset);
        fragment(begin, end, sink, 0, fields);
        return true;
    } catch (const Damaged& e) {
        error = e.what();
    } catch (const std::exception& e) { // std::bad_alloc
        error = e.what();
    }
    return false;
}

} // namespace sigma::evtx
