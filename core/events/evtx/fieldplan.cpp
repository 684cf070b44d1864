#include "events/evtx/fieldplan.h"

#include "events/evtx/binxmlcompiler.h"
#include "events/normalize.h"

#include <atomic>

namespace sigma::evtx {

namespace {

std::atomic<bool> plansEnabled{true};
std::atomic<std::size_t> plannedRecords{0};

static_assert(alignof(CompiledTemplate) >= 4, "NameIds keys plans by a template's address and the context");

using Node = CompiledTemplate::Node;
using TemplatePart = CompiledTemplate::Part;

/// Walks a template as FieldBuilder walks its element stream (evtxevent.cpp): the record's root at
/// depth 0, its sections at depth 1, their items at depth 2; deeper elements give no field there.
class Planner {
public:
    explicit Planner(const CompiledTemplate& t)
        : m_t(t)
    {}

    FieldPlan make(FieldPlan::Context context)
    {
        const Node& root = m_t.nodes[m_t.root];
        bool ok = true;
        switch (context) {
        case FieldPlan::Context::Record:
            // Not <Event>: no fields, and the reader says why. Dropped when Null: the same.
            if (detail::localName(m_t.strings[root.name]) != "Event" || elementDrop(root) >= 0)
                return {};
            for (std::uint32_t i = 0; i < root.partCount && ok; ++i) {
                const TemplatePart& p = m_t.parts[root.firstPart + i];
                if (p.kind == TemplatePart::Element)
                    ok = section(m_t.nodes[p.ref]);
                else if (p.kind == TemplatePart::Substitution)
                    nested(p.index, FieldPlan::Context::Section);
            }
            break;
        case FieldPlan::Context::Section:
            ok = section(root);
            break;
        case FieldPlan::Context::SystemItem:
            systemItem(root);
            break;
        case FieldPlan::Context::EventDataItem:
            ok = eventDataItem(root);
            break;
        }
        if (!ok)
            return {};
        m_plan.usable = true;
        return std::move(m_plan);
    }

private:
    /// An element whose whole content is one optional substitution is dropped when its value is
    /// Null (ChunkDecoder::emit).
    std::int32_t elementDrop(const Node& n) const
    {
        if (n.partCount != 1)
            return -1;
        const TemplatePart& p = m_t.parts[n.firstPart];
        return p.kind == TemplatePart::Substitution && p.optional ? std::int32_t(p.index) : -1;
    }

    void role(std::uint16_t index, std::uint8_t role)
    {
        if (m_plan.roles.size() <= index)
            m_plan.roles.resize(std::size_t(index) + 1);
        m_plan.roles[index] |= role;
    }

    void nested(std::uint16_t index, FieldPlan::Context context)
    {
        FieldPlan::Step s;
        s.kind = FieldPlan::Step::Nested;
        s.nested = context;
        s.index = index;
        m_plan.nestedSteps.push_back(static_cast<std::uint32_t>(m_plan.steps.size()));
        m_plan.steps.push_back(s);
        role(index, FieldPlan::Nest);
    }

    /// A section: System and EventData give their items' fields (a substitution there is a nested
    /// fragment of items), UserData is not planned, another section gives none.
    bool section(const Node& n)
    {
        const std::string_view name = detail::localName(m_t.strings[n.name]);
        if (name == "UserData")
            return false;
        if (name != "System" && name != "EventData") {
            silent(n);
            return true;
        }
        const bool system = name == "System";
        for (std::uint32_t i = 0; i < n.partCount; ++i) {
            const TemplatePart& p = m_t.parts[n.firstPart + i];
            if (p.kind == TemplatePart::Element) {
                if (system)
                    systemItem(m_t.nodes[p.ref]);
                else if (!eventDataItem(m_t.nodes[p.ref]))
                    return false;
            } else if (p.kind == TemplatePart::Substitution) {
                nested(p.index, system ? FieldPlan::Context::SystemItem : FieldPlan::Context::EventDataItem);
            }
        }
        return true;
    }

    /// Elements that give no field: their substitutions must not be nested fragments.
    void silent(const Node& n)
    {
        for (std::uint32_t i = 0; i < n.partCount; ++i) {
            const TemplatePart& p = m_t.parts[n.firstPart + i];
            if (p.kind == TemplatePart::Element)
                silent(m_t.nodes[p.ref]);
            else if (p.kind == TemplatePart::Substitution)
                role(p.index, FieldPlan::Silent);
        }
    }

    /// The element's own text: its literal text and substitutions in order (child elements have
    /// their own text, and give no field).
    FieldPlan::Step contentField(const Node& n, FieldPlan::Step::Kind kind, std::string_view name)
    {
        FieldPlan::Step f = field(kind, name, elementDrop(n));
        for (std::uint32_t i = 0; i < n.partCount; ++i) {
            const TemplatePart& p = m_t.parts[n.firstPart + i];
            if (p.kind == TemplatePart::Element) {
                silent(m_t.nodes[p.ref]);
                continue;
            }
            addPart(p, false, f);
            if (p.kind == TemplatePart::Substitution)
                role(p.index, FieldPlan::Text);
        }
        return f;
    }

    FieldPlan::Step field(FieldPlan::Step::Kind kind, std::string_view name, std::int32_t drop)
    {
        FieldPlan::Step f;
        f.kind = kind;
        f.nameBegin = static_cast<std::uint32_t>(m_plan.names.size());
        f.nameSize = static_cast<std::uint32_t>(name.size());
        m_plan.names += name;
        f.firstPart = static_cast<std::uint32_t>(m_plan.parts.size());
        f.elementDrop = drop;
        return f;
    }

    void addPart(const TemplatePart& p, bool attribute, FieldPlan::Step& f)
    {
        FieldPlan::Part part;
        if (p.kind == TemplatePart::Literal) {
            part.literal = m_t.strings[p.ref];
        } else {
            part.substitution = true;
            part.index = p.index;
            part.optional = attribute && p.optional;
        }
        m_plan.parts.push_back(part);
        ++f.partCount;
    }

    /// System: the element's text under its name (when not empty), then each attribute as
    /// Element_Attribute (when not dropped or empty).
    void systemItem(const Node& n)
    {
        const std::string_view name = detail::localName(m_t.strings[n.name]);
        m_plan.steps.push_back(contentField(n, FieldPlan::Step::ElementText, name));
        for (std::uint32_t a = 0; a < n.attrCount; ++a) {
            const CompiledTemplate::Attr& attr = m_t.attrs[n.firstAttr + a];
            const std::string_view attribute = detail::localName(m_t.strings[attr.name]);
            if (detail::isNamespaceAttribute(attribute))
                continue;
            std::string composite(name);
            composite += '_';
            composite += attribute;
            const bool time = name == "TimeCreated" && attribute == "SystemTime";
            FieldPlan::Step f =
                field(time ? FieldPlan::Step::TimeText : FieldPlan::Step::AttributeText, composite, elementDrop(n));
            for (std::uint32_t i = 0; i < attr.partCount; ++i)
                addPart(m_t.parts[attr.firstPart + i], true, f);
            m_plan.steps.push_back(f);
        }
    }

    /// EventData: <Data Name="X"> as X, <Data> without a name as Data, another element by its name;
    /// added whatever the value. A Name made of substitutions: not planned.
    bool eventDataItem(const Node& n)
    {
        const std::string_view name = detail::localName(m_t.strings[n.name]);
        if (name != "Data") {
            m_plan.steps.push_back(contentField(n, FieldPlan::Step::DataText, name));
            return true;
        }
        std::string dataName;
        for (std::uint32_t a = 0; a < n.attrCount; ++a) {
            const CompiledTemplate::Attr& attr = m_t.attrs[n.firstAttr + a];
            if (m_t.strings[attr.name] != "Name")
                continue;
            for (std::uint32_t i = 0; i < attr.partCount; ++i) {
                const TemplatePart& p = m_t.parts[attr.firstPart + i];
                if (p.kind != TemplatePart::Literal)
                    return false;
                dataName += m_t.strings[p.ref];
            }
            break; // the first Name attribute names it
        }
        m_plan.steps.push_back(contentField(n, FieldPlan::Step::DataText, dataName.empty() ? "Data" : dataName));
        return true;
    }

    const CompiledTemplate& m_t;
    FieldPlan m_plan;
};

} // namespace

FieldPlan makeFieldPlan(const CompiledTemplate& t, FieldPlan::Context context)
{
    return Planner(t).make(context);
}

void setFieldPlans(bool enabled)
{
    plansEnabled.store(enabled, std::memory_order_relaxed);
}

bool fieldPlansEnabled()
{
    return plansEnabled.load(std::memory_order_relaxed);
}

std::size_t fieldPlanRecords()
{
    return plannedRecords.load(std::memory_order_relaxed);
}

void countFieldPlanRecords(std::size_t records)
{
    plannedRecords.fetch_add(records, std::memory_order_relaxed);
}

} // namespace sigma::evtx
