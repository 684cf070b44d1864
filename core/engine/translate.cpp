// Source translations: Security 4688 -> Sysmon 1 field names; Security 5156 -> Sysmon 3.
#include "engine/casefold.h"
#include "engine/compiled.h"

namespace sigma::engine {

namespace {

/// Interned name and key, looked up once per name (interning takes a lock).
struct Name {
    FieldNames::Id id;
    FieldNames::Id key;
};
Name name(std::string_view text)
{
    thread_local std::vector<std::pair<std::string, Name>> cache;
    for (const auto& [t, n] : cache)
        if (t == text)
            return n;
    const FieldNames::Id id = FieldNames::intern(text);
    cache.emplace_back(std::string(text), Name{id, FieldNames::key(id)});
    return cache.back().second;
}

std::optional<std::string> field(const Event& e, std::string_view text)
{
    if (const auto v = e.valueByKey(name(text).key))
        return std::string(*v);
    return std::nullopt;
}

/// `\device\harddiskvolumeN\rest` -> `C:\rest` (the volume's drive letter is not in the event;
/// C: is assumed and said so in the explanation).
std::string devicePathToDrive(const std::string& path, bool& changed)
{
    static const std::string prefix = "\\device\\harddiskvolume";
    changed = false;
    if (path.size() <= prefix.size() || folded(path.substr(0, prefix.size())) != prefix)
        return path;
    std::size_t i = prefix.size();
    while (i < path.size() && path[i] >= '0' && path[i] <= '9')
        ++i;
    if (i == prefix.size() || i >= path.size() || path[i] != '\\')
        return path;
    changed = true;
    return "C:" + path.substr(i);
}

struct Builder {
    const Event& in;
    Event& out;
    std::string* description;
    std::vector<TranslatedField>* origins;
    std::vector<std::string> renamed;
    std::size_t count = 0; ///< fields written to `out` so far (`out` was cleared, its buffers are reused)

    void push(const EventField& f)
    {
        out.add(f.name, f.key, in.text(f));
        ++count;
    }
    void copyAllExcept(std::initializer_list<std::string_view> skip)
    {
        for (const auto& f : in.fields) {
            bool drop = false;
            for (auto s : skip)
                drop |= f.key == name(s).key;
            if (!drop)
                push(f);
        }
        out.origin = in.origin;
        out.originalXml = in.originalXml;
    }
    void map(std::string_view to, std::string_view from, std::string value, std::string note = {})
    {
        const Name n = name(to);
        if (origins)
            origins->push_back(TranslatedField{std::string(to), std::string(from)});
        if (description) {
            std::string line = std::string(to) + " <- " + std::string(from);
            if (!note.empty())
                line += " (" + note + ")";
            line += ": '" + value + "'";
            renamed.push_back(std::move(line));
        }
        out.add(n.id, n.key, value);
        ++count;
    }
    void rename(std::string_view to, std::string_view from)
    {
        if (auto v = field(in, from))
            map(to, from, *v);
    }
    void finish(const char* title)
    {
        out.fields.resize(count);
        if (!description)
            return;
        *description = title;
        for (const auto& r : renamed)
            *description += "\n  " + r;
    }
};

} // namespace

Event translateEvent(const Event& event, SourceTranslation translation, std::string* description,
                     std::vector<TranslatedField>* origins)
{
    if (translation == SourceTranslation::None)
        return event;
    Event out;
    translateInto(event, translation, out, description, origins);
    return out;
}

std::size_t translateInto(const Event& event, SourceTranslation translation, Event& out, std::string* description,
                          std::vector<TranslatedField>* origins)
{
    out.clear();
    Builder b{event, out, description, origins, {}, 0};
    std::size_t copied = 0;
    if (translation == SourceTranslation::Security4688) {
        // 4688's ProcessId is the creator (Sysmon's ParentProcessId); NewProcessId is the new process.
        b.copyAllExcept({"ProcessId"});
        copied = b.count;
        b.rename("Image", "NewProcessName");
        b.rename("ParentImage", "ParentProcessName");
        b.rename("ProcessId", "NewProcessId");
        b.rename("ParentProcessId", "ProcessId");
        b.rename("LogonId", "SubjectLogonId");
        const auto domain = field(event, "SubjectDomainName");
        const auto user = field(event, "SubjectUserName");
        if (user)
            b.map("User", "SubjectDomainName\\SubjectUserName", (domain ? *domain + "\\" : std::string()) + *user);
        if (auto label = field(event, "MandatoryLabel")) {
            static const std::pair<const char*, const char*> levels[] = {
                {"S-1-16-0", "Untrusted"}, {"S-1-16-4096", "Low"},   {"S-1-16-8192", "Medium"},
                {"S-1-16-8448", "Medium"}, {"S-1-16-12288", "High"}, {"S-1-16-16384", "System"}};
            for (const auto& [sid, name] : levels)
                if (folded(*label) == folded(sid))
                    b.map("IntegrityLevel", "MandatoryLabel", name, *label);
        }
        b.finish("Security 4688 fields read under their Sysmon 1 names:");
    } else if (translation == SourceTranslation::Security5156) {
        b.copyAllExcept({"ProcessId"});
        if (auto app = field(event, "Application")) {
            bool changed = false;
            std::string image = devicePathToDrive(*app, changed);
            b.map("Image", "Application", image, changed ? "device path read as drive C:" : "");
        }
        if (auto dir = field(event, "Direction")) {
            const std::string d = folded(*dir);
            if (d == "%%14593" || d == "outbound")
                b.map("Initiated", "Direction", "true", *dir + " = outbound");
            else if (d == "%%14592" || d == "inbound")
                b.map("Initiated", "Direction", "false", *dir + " = inbound");
        }
        b.rename("SourceIp", "SourceAddress");
        b.rename("DestinationIp", "DestAddress");
        b.rename("DestinationPort", "DestPort");
        b.rename("ProcessId", "ProcessID");
        if (auto proto = field(event, "Protocol")) {
            if (*proto == "6")
                b.map("Protocol", "Protocol", "tcp", "6");
            else if (*proto == "17")
                b.map("Protocol", "Protocol", "udp", "17");
        }
        b.finish("Security 5156 read as Sysmon network connection (EventID 3):");
        // The translated Protocol must win over the original number: move it first.
        for (std::size_t i = b.out.fields.size(); i-- > 0;)
            if (b.out.fields[i].key == name("Protocol").key) {
                auto f = b.out.fields[i];
                b.out.fields.erase(b.out.fields.begin() + static_cast<std::ptrdiff_t>(i));
                b.out.fields.insert(b.out.fields.begin(), std::move(f));
                break;
            }
    } else {
        b.copyAllExcept({});
        b.finish("");
        copied = b.count;
    }
    return copied;
}

void TranslationCache::rebind(const Event& event)
{
    m_event = &event;
    for (auto& s : m_slots)
        s.built = false;
}

TranslationCache::Slot& TranslationCache::slot(SourceTranslation translation)
{
    Slot& s = m_slots[static_cast<int>(translation)];
    if (!s.built) {
        s.copied = translateInto(*m_event, translation, s.event, nullptr);
        s.context.rebind(s.event);
        s.built = true;
    }
    return s;
}

const Event& TranslationCache::translated(SourceTranslation translation, std::size_t* copied)
{
    Slot& s = slot(translation);
    if (copied)
        *copied = s.copied;
    return s.event;
}

EvalContext& TranslationCache::get(SourceTranslation translation)
{
    return slot(translation).context;
}

} // namespace sigma::engine

namespace sigma {

Event translatedEvent(const Event& event, SourceTranslation translation, std::vector<TranslatedField>* origins)
{
    return engine::translateEvent(event, translation, nullptr, origins);
}

} // namespace sigma
