#pragma once

// Internal: the two consumers of a decoded record. FieldBuilder turns the element stream into the
// event's fields with the naming rules every reader shares (normalize.h, docs/events.md) — no
// XML text is made. XmlRenderer writes the record as indented Event XML, only when asked for it
// (Event Detail, `keepOriginalXml`).
#include "events/event.h"
#include "events/evtx/binxml.h"
#include "events/evtx/fieldplan.h"

#include <array>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sigma::evtx {

/// Interned ids (name, key) of the field names seen, by name: the name table is locked, and most
/// names repeat in every record. One per decoding thread (forThisThread), kept from file to file
/// (a file of a few records has as many names as records). A name's ids are remembered with the
/// set they were interned in: under another set, the name is interned in that set again, with the
/// ids remembered as a hint (FieldNameSet::intern), so the cache holds no name alive. Without a
/// set, names are interned for the process lifetime.
class NameIds {
public:
    /// This thread's cache (the decoder's).
    static NameIds& forThisThread();

    /// The set names are interned in from now on (null: for the process lifetime). Not owned: the
    /// caller keeps it alive while it is used.
    void use(FieldNameSet* names);
    /// `lasting`: the name is a compiled template's text (templateGeneration()): its ids are
    /// remembered by its address, as long as no template is destroyed.
    std::pair<FieldNames::Id, FieldNames::Id> ids(std::string_view name, bool lasting = false);
    /// Before a record's plans are asked for: forgets them when a template was destroyed since
    /// (another may be at its address), or when there are many.
    void beginPlans();
    /// The field plan of `t` in `context`, its ids those of the current set: made once per template
    /// and context, its ids resolved again under another set. Null: none (see FieldPlan::usable),
    /// or a template was destroyed since beginPlans(). Valid until the next beginPlans().
    const FieldPlan* plan(const CompiledTemplate& t, FieldPlan::Context context);

private:
    struct Known {
        FieldNames::Id id = 0;
        FieldNames::Id key = 0;
        std::uint64_t set = 0; ///< the serial of the set they were interned in; 0: for the process
    };

    FieldNameSet* m_names = nullptr;
    std::uint64_t m_serial = 0;
    /// Open addressing (linear probing, at most half full): a lookup per field of every record,
    /// and a node-based map's pointer chasing was 8 % of decoding a Sysmon log.
    struct Slot {
        std::uint64_t hash = 0;
        std::string text;
        Known known;
        bool used = false;
    };
    Slot& slotFor(std::string_view name, std::uint64_t hash);
    void grow();

    std::vector<Slot> m_slots;
    std::size_t m_used = 0;
    const Known& lookup(std::string_view name);
    /// The ids last found for a template's text at this address: no hash, no text compared.
    struct Lasting {
        const char* data = nullptr;
        std::size_t size = 0;
        std::uint64_t generation = 0;
        Known known;
    };
    std::array<Lasting, 256> m_lasting{};
    /// By template address and context, while m_plansGeneration holds.
    std::unordered_map<std::uintptr_t, FieldPlan> m_plans;
    std::uint64_t m_plansGeneration = 0;
};

class FieldBuilder final : public XmlSink {
public:
    /// `ids`: a cache shared with other builders of the same thread (nullptr: its own).
    explicit FieldBuilder(NameIds* ids = nullptr)
        : m_ownIds(ids ? nullptr : std::make_unique<NameIds>())
        , m_ids(ids ? ids : m_ownIds.get())
    {}

    /// Starts a new event (fields appended to `event`).
    void reset(Event& event);
    /// False when the record's root element is not <Event>.
    bool sawEvent() const { return m_sawEvent; }

    void startElement(std::string_view name, std::span<const XmlAttribute> attributes) override;
    void text(std::string_view text) override;
    std::string* textBuffer() override { return m_depth > 0 ? &m_frames[m_depth - 1].text : nullptr; }
    void endElement() override;

    /// For a record decoded by its template's field plan (ChunkDecoder::decodeFields): the event
    /// its fields go to (the record's root is <Event>, as the plan requires), and the ids cache.
    Event& plannedEvent()
    {
        m_sawEvent = true;
        return *m_event;
    }
    NameIds& ids() { return *m_ids; }

private:
    enum class Section { None, System, EventData, UserData, Other };
    struct Frame {
        std::string_view name; ///< the template's (valid until the element ends)
        std::string text;
        std::string dataName;         ///< EventData: the Name attribute, when not lasting
        std::string_view lastingName; ///< EventData: the Name attribute, the template's text
        bool nameLasts = false;
        bool hasName = false;
        bool hasElementChildren = false;
        /// System elements: the attributes' names (the template's) and values (in attributeText;
        /// the buffers keep their capacity from record to record).
        struct Attribute {
            std::string_view name;
            std::size_t begin = 0, size = 0;
        };
        std::vector<Attribute> attributes;
        std::string attributeText;
    };

    /// `lastingName`: the name is a compiled template's text (NameIds::ids).
    void addField(std::string_view name, std::string_view value, bool lastingName = false);

    std::unique_ptr<NameIds> m_ownIds; ///< when not given one (its tables are a few KiB)
    NameIds* m_ids = nullptr;

    Event* m_event = nullptr;
    std::vector<Frame> m_frames; ///< reused across records
    std::size_t m_depth = 0;
    Section m_section = Section::None;
    bool m_sawEvent = false;
    std::string m_scratch;
};

class XmlRenderer final : public XmlSink {
public:
    std::string take() { return std::move(m_out); }

    void startElement(std::string_view name, std::span<const XmlAttribute> attributes) override;
    void text(std::string_view text) override;
    void endElement() override;

private:
    struct Open {
        std::string name;
        bool children = false;
        bool text = false;
    };
    void closeStartTag(bool forChild);

    std::string m_out;
    std::vector<Open> m_open;
};

} // namespace sigma::evtx
