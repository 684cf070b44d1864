#pragma once

// Internal: Binary XML of EVTX records ([MS-EVEN6] 3.1.4.7; libyal's EVTX notes), decoded per
// chunk. Template definitions are compiled once per chunk into a small tree (names and literal
// text already UTF-8) and instantiated for each record with its substitution values, which are
// rendered as Windows renders them (windowsformat.h). The result is a stream of XML events for a
// sink: the field builder (fields straight from the values, no XML text) or the XML renderer.
#include "events/evtx/evtxformat.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sigma::evtx {

struct XmlAttribute {
    std::string_view name;
    std::string_view value;
    /// The value is literal text of the template, valid until the element ends (not only during
    /// the call).
    bool lasting = false;
};

/// Receives a record's XML, element by element. Attribute values and text are Windows' text
/// (entities and character references resolved), valid during the call only; element and attribute
/// names are the compiled template's, valid until the element ends.
class XmlSink {
public:
    virtual ~XmlSink() = default;
    virtual void startElement(std::string_view name, std::span<const XmlAttribute> attributes) = 0;
    virtual void text(std::string_view text) = 0;
    /// Where the current element's text may be appended to directly (saves a copy per value);
    /// nullptr: through text() only.
    virtual std::string* textBuffer() { return nullptr; }
    virtual void endElement() = 0;
};

struct CompiledTemplate;
struct DefinitionShape;
struct FieldPlan;
class FieldBuilder;
class NameIds;

/// Decodes the records of one chunk. Not thread-safe; one per chunk (chunks are independent).
///
/// A compiled template does not depend on its chunk (names and text are resolved), so templates
/// are shared across chunks and files (TemplateCache): most chunks compile none. They are shared by
/// content, not by GUID alone (a writer may give two templates one GUID): the key is the GUID and
/// the definition's tokens with every name resolved, which is all the compiled template is made of.
/// Before that key is made, a definition is looked for among those the thread has met, by its GUID
/// and its bytes: the same bytes but for the chunk offsets of its names, each name checked to
/// resolve to the same text (most chunks of a log repeat the definitions of the chunks before).
class ChunkDecoder {
public:
    /// `chunk`: the chunk's bytes from its header on (fewer than chunkSize when the file ends in it).
    explicit ChunkDecoder(Bytes chunk);
    ~ChunkDecoder();
    ChunkDecoder(const ChunkDecoder&) = delete;
    ChunkDecoder& operator=(const ChunkDecoder&) = delete;

    /// Sends the record's XML to `sink`. Returns false, with `error` saying what is damaged and
    /// where (chunk offset), when the Binary XML cannot be decoded; the sink may then have
    /// received part of the record.
    bool decode(const RecordSpan& record, XmlSink& sink, std::string& error);
    /// The record's fields into `builder`, as decode() would make them: by its template's field
    /// plan (fieldplan.h) when it has one and the record's values are all plain, else as decode().
    bool decodeFields(const RecordSpan& record, FieldBuilder& builder, std::string& error);

    /// Templates compiled so far (for tests and statistics).
    std::size_t templateCount() const { return m_templates.size(); }

private:
    struct Value {
        std::uint8_t type = 0;
        std::uint32_t offset = 0; ///< in the chunk
        std::uint32_t size = 0;
    };
    class Compiler;

    bool decodeRecord(const RecordSpan& record, XmlSink& sink, FieldBuilder* fields, std::string& error);
    /// `fields`: the sink is this builder, and a record's fields may be made by its field plan.
    void fragment(std::size_t pos, std::size_t end, XmlSink& sink, int depth, FieldBuilder* fields = nullptr);
    /// The template instance of the fragment at `pos` (`depth`: of fragments nested), its values
    /// appended to `values`; `pos` moved to its element and null when it has no template.
    const CompiledTemplate* instance(std::size_t& pos, std::size_t end, int depth, std::vector<Value>& values);
    /// The record's fields by the plans of its template and of its nested fragments' templates;
    /// false (nothing done) when they do not cover it.
    bool planned(const CompiledTemplate& t, std::span<const Value> values, FieldBuilder& builder);
    bool prepare(const FieldPlan& plan, std::size_t first, std::size_t count, int depth, NameIds& ids);
    /// The fields of the plan's steps into m_planFields, their values into m_planText.
    void runPlan(const FieldPlan& plan, std::size_t first, std::size_t count);
    const CompiledTemplate& templateAt(std::uint32_t definition);
    void emit(const CompiledTemplate& t, std::uint32_t node, std::span<const Value> values, XmlSink& sink, int depth);
    void appendValue(const Value& v, std::string& out, std::vector<std::string>& items);
    const std::string& nameAt(std::uint32_t offset);
    bool templateKey(std::size_t begin, std::size_t end, std::string& key, DefinitionShape* shape) const;

    Bytes m_chunk;
    std::unordered_map<std::uint32_t, std::string> m_names;
    std::unordered_map<std::uint32_t, std::shared_ptr<const CompiledTemplate>> m_templates;
    /// Buffers that keep their capacity from record to record: one set per thread, handed from
    /// chunk to chunk (a decoder of a few records grew them again each time: a tenth of the
    /// allocations of reading a one-chunk log), or a decoder's own when another has the thread's.
    struct Scratch;
    static std::unique_ptr<Scratch>& threadScratch();
    std::unique_ptr<Scratch> m_s;
    std::size_t m_nextPrepared = 0;
    std::size_t m_planned = 0; ///< records decoded by field plans (fieldPlanRecords())
};

/// Changes whenever a compiled template is destroyed. The names a decoder passes to its sink, and
/// the attribute values it marks lasting, are the compiled templates' texts: a text seen at an
/// address is the same text at that address while this does not change.
std::uint64_t templateGeneration();

/// Templates compiled so far, by content, shared by every decoder of the process (bounded: emptied
/// when full). Thread-safe. For tests and statistics.
namespace TemplateCache {
std::size_t size();
/// Empties the shared cache and every thread's definitions met before.
void clear();
/// Definitions recognised by their bytes (no key made, no lookup in the shared cache), since the
/// process started.
std::size_t recognised();
} // namespace TemplateCache

} // namespace sigma::evtx
