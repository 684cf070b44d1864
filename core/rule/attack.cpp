#include "rule/attack.h"

#include "util/asciitext.h"
#include "util/resources.h"

#include <algorithm>
#include <cstdlib>

namespace sigma::attack {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep)
{
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        const auto pos = s.find(sep, start);
        out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
        if (pos == std::string_view::npos)
            break;
        start = pos + 1;
    }
    return out;
}

std::vector<std::string> splitList(std::string_view s)
{
    std::vector<std::string> out;
    if (s.empty())
        return out;
    for (auto part : split(s, ','))
        if (!part.empty())
            out.emplace_back(part);
    return out;
}

/// Calls f(fields) for each data line of an embedded TSV table (comments and blank lines skipped).
template <typename F>
void forEachRow(std::string_view name, F&& f)
{
    const auto data = resources::data(name);
    if (!data)
        return;
    for (auto line : split(*data, '\n')) {
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.empty() || line.front() == '#')
            continue;
        f(split(line, '\t'));
    }
}

} // namespace

const std::vector<Tactic>& tactics()
{
    static const std::vector<Tactic> table = [] {
        std::vector<Tactic> out;
        forEachRow("attack-tactics.tsv", [&](const std::vector<std::string_view>& f) {
            if (f.size() < 4)
                return;
            Tactic t;
            t.id = std::string(f[0]);
            t.shortName = std::string(f[1]);
            t.name = std::string(f[2]);
            t.order = std::atoi(std::string(f[3]).c_str());
            if (f.size() > 4)
                t.legacyShortNames = splitList(f[4]);
            out.push_back(std::move(t));
        });
        std::sort(out.begin(), out.end(), [](const Tactic& a, const Tactic& b) { return a.order < b.order; });
        return out;
    }();
    return table;
}

const std::vector<Technique>& techniques()
{
    static const std::vector<Technique> table = [] {
        std::vector<Technique> out;
        forEachRow("attack-techniques.tsv", [&](const std::vector<std::string_view>& f) {
            if (f.size() < 5)
                return;
            Technique t;
            t.id = asciiUppered(f[0]);
            t.name = std::string(f[1]);
            t.tactics = splitList(f[2]);
            t.status = f[3] == "active"       ? Technique::Status::Active
                       : f[3] == "deprecated" ? Technique::Status::Deprecated
                                              : Technique::Status::Revoked;
            t.currentId = asciiUppered(f[4]);
            out.push_back(std::move(t));
        });
        std::sort(out.begin(), out.end(), [](const Technique& a, const Technique& b) { return a.id < b.id; });
        return out;
    }();
    return table;
}

const Technique* findTechnique(std::string_view id)
{
    const auto& table = techniques();
    const std::string key = asciiUppered(id);
    const auto it = std::lower_bound(table.begin(), table.end(), key,
                                     [](const Technique& t, const std::string& k) { return t.id < k; });
    return it != table.end() && it->id == key ? &*it : nullptr;
}

const Tactic* findTactic(std::string_view idOrShortName)
{
    for (const auto& t : tactics()) {
        if (asciiEqualsIgnoringCase(t.id, idOrShortName) || asciiEqualsIgnoringCase(t.shortName, idOrShortName))
            return &t;
        for (const auto& legacy : t.legacyShortNames)
            if (asciiEqualsIgnoringCase(legacy, idOrShortName))
                return &t;
    }
    return nullptr;
}

std::string techniqueName(std::string_view id)
{
    const auto* t = findTechnique(id);
    return t ? t->name : std::string();
}

} // namespace sigma::attack
