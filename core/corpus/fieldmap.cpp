#include "corpus/fieldmap.h"

#include "util/asciitext.h"
#include "util/resources.h"

namespace sigma {

namespace {

std::vector<std::string_view> splitTabs(std::string_view line)
{
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        auto tab = line.find('\t', start);
        out.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
        if (tab == std::string_view::npos)
            break;
        start = tab + 1;
    }
    return out;
}

} // namespace

const FieldMap& FieldMap::builtin()
{
    static const FieldMap map = [] {
        // fieldmap-vendors.tsv: vendor names fieldmap.tsv does not list (read after it)
        std::string text;
        for (const char* table : {"fieldmap.tsv", "fieldmap-vendors.tsv"})
            if (auto t = resources::data(table)) {
                text += *t;
                if (!text.empty() && text.back() != '\n')
                    text += '\n';
            }
        return fromTsv(text, "fieldmap.tsv");
    }();
    return map;
}

FieldMap FieldMap::fromTsv(std::string_view text, const std::string& file, Diagnostics* diagnostics)
{
    FieldMap map;
    int lineNo = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto eol = text.find('\n', pos);
        auto line = text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
        pos = eol == std::string_view::npos ? text.size() : eol + 1;
        ++lineNo;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.empty() || line.front() == '#')
            continue;
        auto cols = splitTabs(line);
        auto bad = [&](std::string message) {
            if (diagnostics)
                diagnostics->push_back({Severity::Error, "fieldmap-syntax", std::move(message), file,
                                        SourceSpan{{lineNo, 1}, {lineNo, static_cast<int>(line.size()) + 1}}});
        };
        if (cols.size() != 5 || cols[0].empty() || cols[1].empty()) {
            bad("expected 5 tab-separated columns: alias, canonical, semantics, schema, scope");
            continue;
        }
        if (cols[2] != "path" && cols[2] != "basename") {
            bad("semantics must be 'path' or 'basename', not '" + std::string(cols[2]) + "'");
            continue;
        }
        Entry e;
        e.canonical = std::string(cols[1]);
        e.basename = cols[2] == "basename";
        e.schema = std::string(cols[3]);
        if (cols[4] != "*") {
            if (!cols[4].starts_with("category:") && !cols[4].starts_with("event:")) {
                bad("scope must be '*', 'category:NAME' or 'event:PROVIDER/ID', not '" + std::string(cols[4]) + "'");
                continue;
            }
            e.scope = std::string(cols[4]);
        }
        map.m_entries[asciiLowered(cols[0])].push_back(std::move(e));
        ++map.m_size;
    }
    return map;
}

FieldMap::Mapping FieldMap::lookup(std::string_view name, const FieldScope& scope) const
{
    constexpr std::string_view rawPrefix = "winlog.event_data.";
    if (name.size() > rawPrefix.size() && asciiLowered(name.substr(0, rawPrefix.size())) == rawPrefix)
        name.remove_prefix(rawPrefix.size());
    auto it = m_entries.find(asciiLowered(name));
    if (it == m_entries.end())
        return {std::string(name), false, {}};
    const Entry* best = nullptr;
    int bestRank = -1;
    for (const auto& e : it->second) {
        int rank = -1;
        if (e.scope.empty()) {
            rank = 0;
        } else if (e.scope.starts_with("category:")) {
            if (!scope.category.empty() && asciiLowered(e.scope.substr(9)) == asciiLowered(scope.category))
                rank = 1;
        } else {
            for (const auto& ev : scope.events)
                if (asciiLowered(e.scope.substr(6)) == asciiLowered(ev))
                    rank = 2;
        }
        if (rank > bestRank) {
            best = &e;
            bestRank = rank;
        }
    }
    if (!best)
        return {std::string(name), false, {}};
    return {best->canonical, best->basename, best->schema};
}

} // namespace sigma
