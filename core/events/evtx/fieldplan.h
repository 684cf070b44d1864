#pragma once

// Internal: a compiled template's fields worked out once, as FieldBuilder (evtxevent.cpp) makes
// them from the template's element stream: which fields a record of the template has, in which
// order, under which names, and which literal text and substitution values make each value; and
// where a substitution holds a nested Binary XML fragment (Windows' records hold their EventData
// so) whose own template's plan gives the fields there. A record whose values are plain where the
// plan needs them so (no array, nested Binary XML only where the plan expects it) is then decoded
// field by field straight into its event: no element stream, no frames, no name looked up per
// field. What a plan does not cover (UserData, a root other than <Event>, a <Data Name> made of
// substitutions, nested Binary XML where it gives no field) leaves the record to FieldBuilder.
// The rules are FieldBuilder's: a change to one is a change to both (tst_evtxdecoder's
// fieldPlans* tests and fuzz_evtx_decoder read records both ways and compare).
#include "events/fieldname.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sigma::evtx {

struct CompiledTemplate;

struct FieldPlan {
    /// Where a template's root element is, as FieldBuilder sees it: a record's root (<Event>,
    /// element depth 0), a section (System, EventData, ..., depth 1: a fragment nested in <Event>),
    /// or an item of System or EventData (depth 2: nested in the section).
    enum class Context : std::uint8_t { Record, Section, SystemItem, EventDataItem };

    /// A part of a field's value: the template's literal text, or substitution `index`.
    struct Part {
        std::string_view literal; ///< the compiled template's text
        std::uint16_t index = 0;
        bool substitution = false;
        bool optional = false; ///< in an attribute: a Null value drops the attribute
    };
    struct Step {
        enum Kind : std::uint8_t {
            ElementText,   ///< a System element's text: added when not empty
            AttributeText, ///< a System element's attribute: added when not dropped and not empty
            TimeText,      ///< TimeCreated's SystemTime: as AttributeText, normalized (normalizeTime)
            DataText,      ///< an EventData item: added whatever its value
            Nested,        ///< substitution `index`: a nested fragment's fields (in `nested` context)
        } kind = DataText;
        Context nested = Context::Record;
        std::uint16_t index = 0;
        FieldNames::Id id = 0, key = 0;
        std::uint32_t nameBegin = 0, nameSize = 0; ///< in `names`
        std::uint32_t firstPart = 0, partCount = 0;
        /// The optional substitution that is the whole content of the field's element: a Null
        /// value drops the element, and every field it gives. -1: none.
        std::int32_t elementDrop = -1;
    };
    /// What each substitution may hold for a record to be decoded by the plan (bits).
    enum Role : std::uint8_t {
        Text = 1,   ///< rendered into a field's value: not Binary XML
        Nest = 2,   ///< a Nested step's: Binary XML or nothing
        Silent = 4, ///< element content that gives no field: not Binary XML (FieldBuilder would descend)
    };

    std::vector<Step> steps;
    std::vector<std::uint32_t> nestedSteps; ///< the Nested steps' indices in `steps`, in order
    std::vector<Part> parts;
    std::vector<std::uint8_t> roles; ///< by substitution index; past its end: none
    std::string names;
    /// The serial of the field-name set the ids are of (NameIds).
    std::uint64_t idsOf = ~std::uint64_t(0);
    /// False: the template has what the plan does not cover; its records go through FieldBuilder.
    bool usable = false;

    std::string_view name(const Step& s) const { return std::string_view(names).substr(s.nameBegin, s.nameSize); }
};

/// The plan of `t` with its root in `context` (its ids still to be resolved: NameIds::plan does).
FieldPlan makeFieldPlan(const CompiledTemplate& t, FieldPlan::Context context);

/// Field plans on (the default) or off (every record through FieldBuilder): for tests and fuzzing,
/// which compare both. Process-wide.
void setFieldPlans(bool enabled);
bool fieldPlansEnabled();
/// Records whose fields a plan made, since the process started (tests).
std::size_t fieldPlanRecords();
void countFieldPlanRecords(std::size_t records); ///< ChunkDecoder, once per chunk

} // namespace sigma::evtx
