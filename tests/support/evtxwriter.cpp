#include "evtxwriter.h"

#include "engine/casefold.h"
#include "util/crc32.h"
#include "util/hexdigit.h"

#include <cstring>
#include <map>
#include <stdexcept>

namespace sigmatest::evtx {

namespace {

constexpr std::size_t fileHeaderSize = 4096;
constexpr std::size_t chunkSize = 65536;
constexpr std::size_t chunkHeaderSize = 512;

std::u16string utf16(std::string_view utf8)
{
    std::u16string out;
    for (std::size_t i = 0; i < utf8.size();) {
        char32_t cp = sigma::engine::decodeUtf8(utf8, i);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out += char16_t(0xD800 + (cp >> 10));
            out += char16_t(0xDC00 + (cp & 0x3FF));
        } else {
            out += char16_t(cp);
        }
    }
    return out;
}

void putLe(std::vector<std::uint8_t>& out, std::uint64_t v, int size)
{
    for (int i = 0; i < size; ++i)
        out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

Value fixed(std::uint8_t type, std::uint64_t v, int size)
{
    Value out{type, {}};
    putLe(out.bytes, v, size);
    return out;
}

int hexDigit(char c)
{
    const int v = sigma::asciiHexValue(c);
    if (v < 0)
        throw std::invalid_argument("not a hex digit");
    return v;
}

/// Writes one record's Binary XML into a chunk buffer, where every name and template is stored
/// inline at its chunk offset; with `names`, a name is stored once per chunk and referred to by its
/// offset afterwards, as Windows writes it.
class Writer {
public:
    using Templates = std::map<std::array<std::uint8_t, 16>, std::uint32_t>;
    using Names = std::map<std::string, std::uint32_t>;

    Writer(std::vector<std::uint8_t>& chunk, std::size_t pos, Templates& templates, Names* names)
        : m_chunk(chunk)
        , m_pos(pos)
        , m_templates(templates)
        , m_names(names)
    {}
    std::size_t pos() const { return m_pos; }

    void u8(std::uint8_t v) { put(v, 1); }
    void u16(std::uint16_t v) { put(v, 2); }
    void u32(std::uint32_t v) { put(v, 4); }
    void u64(std::uint64_t v) { put(v, 8); }
    void bytes(const std::uint8_t* p, std::size_t n)
    {
        need(n);
        std::memcpy(m_chunk.data() + m_pos, p, n);
        m_pos += n;
    }
    void patch32(std::size_t at, std::uint32_t v)
    {
        for (int i = 0; i < 4; ++i)
            m_chunk[at + std::size_t(i)] = static_cast<std::uint8_t>(v >> (8 * i));
    }

    void record(const Record& r)
    {
        const std::size_t start = m_pos;
        bytes(reinterpret_cast<const std::uint8_t*>("**\0\0"), 4);
        const std::size_t sizeAt = m_pos;
        u32(0);
        u64(r.id);
        u64(r.written);
        instance(r);
        u8(0x00); // EOF of the record's document
        const auto size = static_cast<std::uint32_t>(m_pos - start + 4);
        u32(size);
        patch32(sizeAt, size);
    }

private:
    /// Fragment header, template instance with its definition inline, or a reference to the
    /// definition an earlier record of the chunk holds (same template GUID); then its values.
    void instance(const Record& r)
    {
        fragmentHeader();
        u8(0x0C);
        u8(0x01);
        std::array<std::uint8_t, 16> guid = r.templateGuid;
        const bool shared = guid != std::array<std::uint8_t, 16>{};
        if (!shared)
            for (int i = 0; i < 8; ++i)
                guid[std::size_t(i)] = static_cast<std::uint8_t>(r.id >> (8 * i)), guid[std::size_t(i) + 8] = 0xA5;
        u32(std::uint32_t(guid[0]) | std::uint32_t(guid[1]) << 8 | std::uint32_t(guid[2]) << 16 |
            std::uint32_t(guid[3]) << 24);
        if (const auto it = m_templates.find(guid); shared && it != m_templates.end()) {
            u32(it->second);
        } else {
            const auto definition = static_cast<std::uint32_t>(m_pos + 4);
            u32(definition); // definition data offset: right here
            u32(0);          // next template definition
            bytes(guid.data(), guid.size());
            const std::size_t defSizeAt = m_pos;
            u32(0);
            fragmentHeader();
            element(r.root);
            u8(0x00); // EOF of the template definition
            patch32(defSizeAt, static_cast<std::uint32_t>(m_pos - defSizeAt - 4));
            if (shared)
                m_templates[guid] = definition;
        }
        // Template instance data: descriptors then values (a nested fragment's size once written).
        u32(static_cast<std::uint32_t>(r.values.size()));
        const std::size_t descriptors = m_pos;
        for (const auto& v : r.values) {
            u16(static_cast<std::uint16_t>(v.bytes.size()));
            u8(v.type);
            u8(0);
        }
        for (std::size_t i = 0; i < r.values.size(); ++i) {
            const Value& v = r.values[i];
            if (!v.nested) {
                bytes(v.bytes.data(), v.bytes.size());
                continue;
            }
            const std::size_t begin = m_pos;
            instance(*v.nested);
            u8(0x00); // EOF of the nested fragment
            const auto size = static_cast<std::uint16_t>(m_pos - begin);
            m_chunk[descriptors + 4 * i] = static_cast<std::uint8_t>(size);
            m_chunk[descriptors + 4 * i + 1] = static_cast<std::uint8_t>(size >> 8);
        }
    }

    void need(std::size_t n)
    {
        if (m_pos + n > m_chunk.size())
            throw std::length_error("record does not fit");
    }
    void put(std::uint64_t v, int size)
    {
        need(std::size_t(size));
        for (int i = 0; i < size; ++i)
            m_chunk[m_pos++] = static_cast<std::uint8_t>(v >> (8 * i));
    }
    void fragmentHeader()
    {
        u8(0x0F);
        u8(0x01);
        u8(0x01);
        u8(0x00);
    }
    void utf16Text(const std::u16string& s)
    {
        for (char16_t c : s)
            u16(static_cast<std::uint16_t>(c));
    }
    void name(const std::string& text)
    {
        if (m_names) {
            if (const auto it = m_names->find(text); it != m_names->end()) {
                u32(it->second); // stored earlier in the chunk
                return;
            }
            (*m_names)[text] = static_cast<std::uint32_t>(m_pos + 4);
        }
        const std::u16string s = utf16(text);
        u32(static_cast<std::uint32_t>(m_pos + 4)); // inline: the name follows
        u32(0);
        std::uint32_t hash = 0;
        for (char16_t c : s)
            hash = hash * 65599 + c;
        u16(static_cast<std::uint16_t>(hash));
        u16(static_cast<std::uint16_t>(s.size()));
        utf16Text(s);
        u16(0);
    }
    void content(const Content& c)
    {
        if (c.kind == Content::Text) {
            const std::u16string s = utf16(c.text);
            u8(0x05);
            u8(0x01);
            u16(static_cast<std::uint16_t>(s.size()));
            utf16Text(s);
        } else {
            u8(c.kind == Content::OptionalSubstitution ? 0x0E : 0x0D);
            u16(c.index);
            u8(c.type);
        }
    }
    void element(const Element& e)
    {
        const bool attributes = !e.attributes.empty();
        u8(attributes ? 0x41 : 0x01);
        u16(0xFFFF);
        const std::size_t sizeAt = m_pos;
        u32(0);
        name(e.name);
        if (attributes) {
            const std::size_t listAt = m_pos;
            u32(0);
            for (std::size_t i = 0; i < e.attributes.size(); ++i) {
                u8(i + 1 < e.attributes.size() ? 0x46 : 0x06);
                name(e.attributes[i].first);
                content(e.attributes[i].second);
            }
            patch32(listAt, static_cast<std::uint32_t>(m_pos - listAt - 4));
        }
        if (e.children.empty() && e.content.empty()) {
            u8(0x03);
        } else {
            u8(0x02);
            for (const auto& child : e.children)
                element(child);
            for (const auto& c : e.content)
                content(c);
            u8(0x04);
        }
        patch32(sizeAt, static_cast<std::uint32_t>(m_pos - sizeAt - 4));
    }

    std::vector<std::uint8_t>& m_chunk;
    std::size_t m_pos;
    Templates& m_templates;
    Names* m_names;
};

void put64(std::uint8_t* p, std::uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put32(std::uint8_t* p, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put16(std::uint8_t* p, std::uint16_t v)
{
    p[0] = static_cast<std::uint8_t>(v);
    p[1] = static_cast<std::uint8_t>(v >> 8);
}

struct ChunkState {
    std::vector<std::uint8_t> bytes = std::vector<std::uint8_t>(chunkSize, 0);
    std::size_t free = chunkHeaderSize;
    std::size_t lastRecord = 0;
    std::uint64_t first = 0, last = 0;
    bool empty = true;
    Writer::Templates templates;
    Writer::Names names;
};

void finishChunk(ChunkState& c)
{
    std::uint8_t* h = c.bytes.data();
    std::memcpy(h, "ElfChnk\0", 8);
    put64(h + 8, c.first);
    put64(h + 16, c.last);
    put64(h + 24, c.first);
    put64(h + 32, c.last);
    put32(h + 40, 128);
    put32(h + 44, static_cast<std::uint32_t>(c.lastRecord));
    put32(h + 48, static_cast<std::uint32_t>(c.free));
    put32(h + 52, crc32(h + chunkHeaderSize, c.free - chunkHeaderSize));
    std::uint32_t crc = crc32(h, 120);
    crc = crc32(h + 128, chunkHeaderSize - 128, crc);
    put32(h + 124, crc);
}

} // namespace

std::uint32_t crc32(const std::uint8_t* data, std::size_t size, std::uint32_t crc)
{
    return sigma::crc32(data, size, crc);
}

Value binXml(const Record& inner)
{
    Value v;
    v.type = 0x21;
    v.nested = std::make_shared<const Record>(inner);
    return v;
}

Value null()
{
    return Value{0x00, {}};
}
Value string(std::string_view utf8)
{
    Value out{0x01, {}};
    for (char16_t c : utf16(utf8))
        putLe(out.bytes, c, 2);
    return out;
}
Value ansiString(std::string_view latin1)
{
    return Value{0x02, std::vector<std::uint8_t>(latin1.begin(), latin1.end())};
}
Value int8(std::int8_t v)
{
    return fixed(0x03, static_cast<std::uint8_t>(v), 1);
}
Value uint8(std::uint8_t v)
{
    return fixed(0x04, v, 1);
}
Value int16(std::int16_t v)
{
    return fixed(0x05, static_cast<std::uint16_t>(v), 2);
}
Value uint16(std::uint16_t v)
{
    return fixed(0x06, v, 2);
}
Value int32(std::int32_t v)
{
    return fixed(0x07, static_cast<std::uint32_t>(v), 4);
}
Value uint32(std::uint32_t v)
{
    return fixed(0x08, v, 4);
}
Value int64(std::int64_t v)
{
    return fixed(0x09, static_cast<std::uint64_t>(v), 8);
}
Value uint64(std::uint64_t v)
{
    return fixed(0x0a, v, 8);
}
Value real32(float v)
{
    std::uint32_t bits;
    std::memcpy(&bits, &v, 4);
    return fixed(0x0b, bits, 4);
}
Value real64(double v)
{
    std::uint64_t bits;
    std::memcpy(&bits, &v, 8);
    return fixed(0x0c, bits, 8);
}
Value boolean(bool v)
{
    return fixed(0x0d, v ? 1 : 0, 4);
}
Value binary(std::vector<std::uint8_t> bytes)
{
    return Value{0x0e, std::move(bytes)};
}
Value guid(std::string_view text)
{
    std::vector<int> digits;
    for (char c : text)
        if (c != '{' && c != '}' && c != '-')
            digits.push_back(hexDigit(c));
    if (digits.size() != 32)
        throw std::invalid_argument("not a GUID");
    std::uint8_t raw[16];
    for (int i = 0; i < 16; ++i)
        raw[i] = static_cast<std::uint8_t>(digits[std::size_t(2 * i)] << 4 | digits[std::size_t(2 * i + 1)]);
    // Data1, Data2, Data3 are stored little-endian.
    static constexpr int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    Value out{0x0f, std::vector<std::uint8_t>(16)};
    for (int i = 0; i < 16; ++i)
        out.bytes[std::size_t(order[i])] = raw[i];
    return out;
}
Value sizeT32(std::uint32_t v)
{
    return fixed(0x10, v, 4);
}
Value sizeT64(std::uint64_t v)
{
    return fixed(0x10, v, 8);
}
Value pointer32(std::uint32_t v)
{
    Value out = fixed(0x14, v, 4);
    out.declared = 0x10;
    return out;
}
Value pointer64(std::uint64_t v)
{
    Value out = fixed(0x15, v, 8);
    out.declared = 0x10;
    return out;
}
Value fileTime(std::uint64_t ticks)
{
    return fixed(0x11, ticks, 8);
}
Value sysTime(int year, int month, int dayOfWeek, int day, int hour, int minute, int second, int milliseconds)
{
    Value out{0x12, {}};
    for (int v : {year, month, dayOfWeek, day, hour, minute, second, milliseconds})
        putLe(out.bytes, static_cast<std::uint16_t>(v), 2);
    return out;
}
Value sid(std::string_view text)
{
    std::vector<std::uint64_t> parts;
    if (text.substr(0, 2) != "S-")
        throw std::invalid_argument("not a SID");
    std::uint64_t v = 0;
    for (std::size_t i = 2; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == '-') {
            parts.push_back(v);
            v = 0;
        } else {
            v = v * 10 + std::uint64_t(text[i] - '0');
        }
    }
    if (parts.size() < 2)
        throw std::invalid_argument("not a SID");
    Value out{0x13, {}};
    out.bytes.push_back(static_cast<std::uint8_t>(parts[0]));
    out.bytes.push_back(static_cast<std::uint8_t>(parts.size() - 2));
    for (int i = 5; i >= 0; --i)
        out.bytes.push_back(static_cast<std::uint8_t>(parts[1] >> (8 * i)));
    for (std::size_t i = 2; i < parts.size(); ++i)
        putLe(out.bytes, parts[i], 4);
    return out;
}
Value hexInt32(std::uint32_t v)
{
    return fixed(0x14, v, 4);
}
Value hexInt64(std::uint64_t v)
{
    return fixed(0x15, v, 8);
}
Value array(const std::vector<Value>& items)
{
    Value out{static_cast<std::uint8_t>((items.empty() ? 0x01 : items.front().type) | 0x80), {}};
    for (const auto& item : items) {
        out.bytes.insert(out.bytes.end(), item.bytes.begin(), item.bytes.end());
        if (item.type == 0x01)
            putLe(out.bytes, 0, 2);
        else if (item.type == 0x02)
            out.bytes.push_back(0);
    }
    return out;
}

std::uint64_t fileTimeOf(int year, int month, int day, int hour, int minute, int second, std::uint32_t ticks100ns)
{
    // Days since 1970-01-01 (H. Hinnant's days-from-civil), then shifted to 1601.
    const int y = year - (month <= 2 ? 1 : 0);
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153u * static_cast<unsigned>(month + (month > 2 ? -3 : 9)) + 2) / 5 + unsigned(day) - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const std::int64_t days = std::int64_t(era) * 146097 + std::int64_t(doe) - 719468 + 134774;
    const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second;
    return static_cast<std::uint64_t>(seconds) * 10'000'000u + ticks100ns;
}

Content text(std::string value)
{
    Content c;
    c.text = std::move(value);
    return c;
}

Content substitution(std::uint16_t index, std::uint8_t type, bool optional)
{
    Content c;
    c.kind = optional ? Content::OptionalSubstitution : Content::Substitution;
    c.index = index;
    c.type = type;
    return c;
}

Record windowsEvent(const EventSpec& s)
{
    Record r;
    r.id = s.recordId;
    r.written = s.time ? s.time : fileTimeOf(2024, 3, 5, 10, 15, 42, 9922301);
    auto& v = r.values;
    auto add = [&](Value value) {
        v.push_back(std::move(value));
        return static_cast<std::uint16_t>(v.size() - 1);
    };
    auto sub = [&](Value value, bool optional = false) {
        const std::uint8_t type = value.declared ? value.declared : value.type;
        return substitution(add(std::move(value)), type == 0x00 ? std::uint8_t(0x01) : type, optional);
    };
    auto leaf = [](std::string name, Content c) {
        Element e;
        e.name = std::move(name);
        e.content.push_back(std::move(c));
        return e;
    };
    Element system;
    system.name = "System";
    Element provider;
    provider.name = "Provider";
    provider.attributes.emplace_back("Name", sub(string(s.provider)));
    provider.attributes.emplace_back("Guid", sub(guid(s.providerGuid)));
    system.children.push_back(provider);
    Element eventId = leaf("EventID", sub(uint16(s.eventId)));
    // Qualifiers: an optional substitution of a Null value, dropped as Windows drops it.
    eventId.attributes.emplace_back("Qualifiers", substitution(add(null()), 0x06, true));
    system.children.push_back(eventId);
    system.children.push_back(leaf("Version", sub(uint8(s.version))));
    system.children.push_back(leaf("Level", sub(uint8(s.level))));
    system.children.push_back(leaf("Task", sub(uint16(s.task))));
    system.children.push_back(leaf("Opcode", sub(uint8(s.opcode))));
    system.children.push_back(leaf("Keywords", sub(hexInt64(s.keywords))));
    Element time;
    time.name = "TimeCreated";
    time.attributes.emplace_back("SystemTime", sub(fileTime(r.written)));
    system.children.push_back(time);
    system.children.push_back(leaf("EventRecordID", sub(uint64(s.recordId))));
    Element correlation;
    correlation.name = "Correlation";
    correlation.attributes.emplace_back(
        "ActivityID", substitution(add(s.activityId.empty() ? null() : guid(s.activityId)), 0x0f, true));
    correlation.attributes.emplace_back("RelatedActivityID", substitution(add(null()), 0x0f, true));
    system.children.push_back(correlation);
    Element execution;
    execution.name = "Execution";
    execution.attributes.emplace_back("ProcessID", sub(uint32(s.processId)));
    execution.attributes.emplace_back("ThreadID", sub(uint32(s.threadId)));
    system.children.push_back(execution);
    system.children.push_back(leaf("Channel", sub(string(s.channel))));
    system.children.push_back(leaf("Computer", sub(string(s.computer))));
    Element security;
    security.name = "Security";
    security.attributes.emplace_back("UserID",
                                     substitution(add(s.userSid.empty() ? null() : sid(s.userSid)), 0x13, true));
    system.children.push_back(security);

    Element eventData;
    eventData.name = "EventData";
    for (const auto& item : s.data) {
        Element data;
        data.name = "Data";
        if (!item.name.empty())
            data.attributes.emplace_back("Name", text(item.name));
        data.content.push_back(sub(item.value));
        eventData.children.push_back(std::move(data));
    }
    r.root.name = "Event";
    r.root.attributes.emplace_back("xmlns", text("http://schemas.microsoft.com/win/2004/08/events/event"));
    r.root.children.push_back(std::move(system));
    if (!s.data.empty())
        r.root.children.push_back(std::move(eventData));
    return r;
}

std::string writeFile(const std::vector<Record>& records, const FileOptions& options)
{
    std::vector<ChunkState> chunks(1);
    try {
        for (const auto& record : records) {
            for (int attempt = 0; attempt < 2; ++attempt) {
                ChunkState& c = chunks.back();
                std::vector<std::uint8_t> saved(c.bytes.begin() + std::ptrdiff_t(c.free), c.bytes.end());
                const Writer::Templates templates = c.templates;
                const Writer::Names names = c.names;
                try {
                    Writer w(c.bytes, c.free, c.templates, options.namesOnce ? &c.names : nullptr);
                    w.record(record);
                    if (c.empty)
                        c.first = record.id;
                    c.last = record.id;
                    c.lastRecord = c.free;
                    c.free = w.pos();
                    c.empty = false;
                    break;
                } catch (const std::length_error&) {
                    std::copy(saved.begin(), saved.end(), c.bytes.begin() + std::ptrdiff_t(c.free));
                    c.templates = templates;
                    c.names = names;
                    if (attempt == 1 || c.empty)
                        return {};
                    chunks.emplace_back();
                }
            }
        }
    } catch (const std::invalid_argument&) {
        return {};
    }
    for (auto& c : chunks)
        finishChunk(c);

    std::string out(fileHeaderSize + chunks.size() * chunkSize, '\0');
    auto* h = reinterpret_cast<std::uint8_t*>(out.data());
    std::memcpy(h, "ElfFile\0", 8);
    put64(h + 8, 0);
    put64(h + 16, chunks.size() - 1);
    put64(h + 24, records.empty() ? 1 : records.back().id + 1);
    put32(h + 32, 128);
    put16(h + 36, 1);
    put16(h + 38, 3);
    put16(h + 40, static_cast<std::uint16_t>(fileHeaderSize));
    put16(h + 42, static_cast<std::uint16_t>(chunks.size()));
    put32(h + 120, options.fileFlags);
    put32(h + 124, crc32(h, 120));
    for (std::size_t i = 0; i < chunks.size(); ++i)
        std::memcpy(out.data() + fileHeaderSize + i * chunkSize, chunks[i].bytes.data(), chunkSize);
    return out;
}

} // namespace sigmatest::evtx
