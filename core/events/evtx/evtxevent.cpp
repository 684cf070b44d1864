#include "events/evtx/evtxevent.h"

#include "events/normalize.h"
#include "util/xmlescape.h"

namespace sigma::evtx {

using detail::isNamespaceAttribute;
using detail::localName;

void FieldBuilder::reset(Event& event)
{
    m_event = &event;
    m_depth = 0;
    m_section = Section::None;
    m_sawEvent = false;
}

void FieldBuilder::addField(std::string_view name, std::string_view value, bool lastingName)
{
    const auto [id, key] = m_ids->ids(name, lastingName);
    m_event->add(id, key, value);
}

NameIds& NameIds::forThisThread()
{
    thread_local NameIds ids;
    return ids;
}

void NameIds::use(FieldNameSet* names)
{
    m_names = names;
    m_serial = names ? names->serial() : 0;
}

NameIds::Slot& NameIds::slotFor(std::string_view name, std::uint64_t hash)
{
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(hash) & mask;; i = (i + 1) & mask) {
        Slot& slot = m_slots[i];
        if (!slot.used || (slot.hash == hash && slot.text == name))
            return slot;
    }
}

void NameIds::grow()
{
    std::vector<Slot> old(m_slots.empty() ? 64 : m_slots.size() * 2);
    old.swap(m_slots);
    for (Slot& s : old) {
        if (!s.used)
            continue;
        Slot& to = slotFor(s.text, s.hash);
        to = std::move(s);
    }
}

std::pair<FieldNames::Id, FieldNames::Id> NameIds::ids(std::string_view name, bool lasting)
{
    if (!lasting) {
        const Known& k = lookup(name);
        return {k.id, k.key};
    }
    const std::uint64_t generation = templateGeneration();
    Lasting& l = m_lasting[(reinterpret_cast<std::uintptr_t>(name.data()) >> 3) & (m_lasting.size() - 1)];
    if (l.data != name.data() || l.size != name.size() || l.generation != generation ||
        (l.known.set != m_serial && l.known.set != 0))
        l = Lasting{name.data(), name.size(), generation, lookup(name)};
    return {l.known.id, l.known.key};
}

void NameIds::beginPlans()
{
    const std::uint64_t generation = templateGeneration();
    if (generation != m_plansGeneration || m_plans.size() >= 1024) { // plans are a few hundred bytes
        m_plans.clear();
        m_plansGeneration = generation;
    }
}

const FieldPlan* NameIds::plan(const CompiledTemplate& t, FieldPlan::Context context)
{
    if (templateGeneration() != m_plansGeneration)
        return nullptr;
    // Templates are aligned to 8 bytes: the context in the address's low bits.
    auto [it, made] = m_plans.try_emplace(reinterpret_cast<std::uintptr_t>(&t) | std::uintptr_t(context));
    FieldPlan& plan = it->second;
    if (made)
        plan = makeFieldPlan(t, context);
    if (!plan.usable)
        return nullptr;
    if (plan.idsOf != m_serial) {
        for (FieldPlan::Step& s : plan.steps) {
            if (s.kind == FieldPlan::Step::Nested)
                continue;
            const Known& k = lookup(plan.name(s));
            s.id = k.id;
            s.key = k.key;
        }
        plan.idsOf = m_serial;
    }
    return &plan;
}

const NameIds::Known& NameIds::lookup(std::string_view name)
{
    if (m_slots.empty())
        grow();
    const std::uint64_t hash = FieldNameHash{}(name);
    Slot* slot = &slotFor(name, hash);
    // Names interned for the process are valid under any set.
    if (slot->used && (slot->known.set == m_serial || slot->known.set == 0))
        return slot->known;
    Known known;
    if (m_names) {
        const FieldNameSet::Name n = slot->used
                                         ? m_names->intern(name, FieldNameSet::Name{slot->known.id, slot->known.key})
                                         : m_names->intern(name);
        known = Known{n.id, n.key, m_serial};
    } else {
        const FieldNames::Id id = FieldNames::intern(name);
        known = Known{id, FieldNames::key(id), 0};
    }
    if (!slot->used) {
        if (m_used >= 4096) { // bounded: files with many distinct names (EventData names of their own)
            m_slots.assign(64, Slot{});
            m_used = 0;
        } else if (2 * (m_used + 1) > m_slots.size()) {
            grow();
        }
        slot = &slotFor(name, hash);
        slot->used = true;
        slot->hash = hash;
        slot->text.assign(name);
        ++m_used;
    }
    slot->known = known;
    return slot->known;
}

void FieldBuilder::startElement(std::string_view name, std::span<const XmlAttribute> attributes)
{
    const std::size_t depth = m_depth++;
    if (m_frames.size() < m_depth)
        m_frames.resize(m_depth);
    if (depth > 0)
        m_frames[depth - 1].hasElementChildren = true;
    Frame& f = m_frames[depth];
    f.name = localName(name);
    f.text.clear();
    f.hasName = false;
    f.hasElementChildren = false;
    f.attributes.clear();
    f.attributeText.clear();
    if (depth == 0) {
        m_sawEvent = f.name == "Event";
        return;
    }
    if (depth == 1) {
        m_section = f.name == "System"      ? Section::System
                    : f.name == "EventData" ? Section::EventData
                    : f.name == "UserData"  ? Section::UserData
                                            : Section::Other;
        return;
    }
    if (!m_sawEvent)
        return;
    switch (m_section) {
    case Section::System:
        if (depth == 2)
            for (const auto& a : attributes) {
                f.attributes.push_back({localName(a.name), f.attributeText.size(), a.value.size()});
                f.attributeText += a.value;
            }
        break;
    case Section::EventData:
        if (depth == 2 && f.name == "Data")
            for (const auto& a : attributes)
                if (a.name == "Name") {
                    f.nameLasts = a.lasting;
                    if (a.lasting)
                        f.lastingName = a.value;
                    else
                        f.dataName.assign(a.value);
                    f.hasName = !a.value.empty();
                    break;
                }
        break;
    case Section::UserData:
        // Level 0 is the wrapper (<LogFileCleared>); leaves and their attributes down to 32 levels.
        if (depth - 2 <= 32)
            for (const auto& a : attributes)
                if (!isNamespaceAttribute(a.name)) {
                    m_scratch.assign(f.name);
                    m_scratch += '_';
                    m_scratch.append(localName(a.name));
                    addField(m_scratch, a.value);
                }
        break;
    default:
        break;
    }
}

void FieldBuilder::text(std::string_view text)
{
    if (m_depth > 0)
        m_frames[m_depth - 1].text.append(text);
}

void FieldBuilder::endElement()
{
    if (m_depth == 0)
        return;
    const std::size_t depth = --m_depth;
    Frame& f = m_frames[depth];
    if (depth < 2 || !m_sawEvent)
        return;
    switch (m_section) {
    case Section::System:
        if (depth != 2)
            break;
        if (!f.text.empty())
            addField(f.name, f.text, true);
        for (const auto& [attribute, begin, size] : f.attributes) {
            const std::string_view value = std::string_view(f.attributeText).substr(begin, size);
            if (value.empty() || isNamespaceAttribute(attribute))
                continue;
            m_scratch.assign(f.name);
            m_scratch += '_';
            m_scratch += attribute;
            if (f.name == "TimeCreated" && attribute == "SystemTime")
                addField(m_scratch, detail::normalizeTime(value));
            else
                addField(m_scratch, value);
        }
        break;
    case Section::EventData:
        if (depth != 2)
            break;
        if (f.name != "Data")
            addField(f.name, f.text, true);
        else if (f.hasName && f.nameLasts)
            addField(f.lastingName, f.text, true);
        else if (f.hasName)
            addField(f.dataName, f.text);
        else
            addField("Data", f.text);
        break;
    case Section::UserData:
        if (depth > 2 && depth - 2 <= 32 && !f.hasElementChildren)
            addField(f.name, f.text, true);
        break;
    default:
        break;
    }
}

void XmlRenderer::closeStartTag(bool forChild)
{
    if (m_open.empty())
        return;
    Open& o = m_open.back();
    if (!o.children && !o.text)
        m_out += forChild ? ">\n" : ">";
    else if (forChild && !o.children && o.text)
        m_out += '\n';
}

void XmlRenderer::startElement(std::string_view name, std::span<const XmlAttribute> attributes)
{
    closeStartTag(true);
    if (!m_open.empty())
        m_open.back().children = true;
    m_out.append(2 * m_open.size(), ' ');
    m_out += '<';
    m_out += name;
    for (const auto& a : attributes) {
        m_out += ' ';
        m_out += a.name;
        m_out += "=\"";
        appendXmlEscaped(m_out, a.value, XmlEscape::Attribute);
        m_out += '"';
    }
    m_open.push_back(Open{std::string(name), false, false});
}

void XmlRenderer::text(std::string_view text)
{
    if (m_open.empty() || text.empty())
        return;
    closeStartTag(false);
    m_open.back().text = true;
    appendXmlEscaped(m_out, text, XmlEscape::Text);
}

void XmlRenderer::endElement()
{
    if (m_open.empty())
        return;
    const Open o = std::move(m_open.back());
    m_open.pop_back();
    if (!o.children && !o.text) {
        m_out += "/>\n";
        return;
    }
    if (o.children)
        m_out.append(2 * m_open.size(), ' ');
    m_out += "</";
    m_out += o.name;
    m_out += ">\n";
}

} // namespace sigma::evtx
