#include "engine/logsource.h"

#include "engine/casefold.h"
#include "engine/compiled.h"
#include "util/asciitext.h"
#include "util/fileio.h"
#include "util/resources.h"

#include <charconv>
#include <set>
#include <sstream>
#include <tuple>

namespace sigma {

namespace {

bool equalsFolded(std::string_view a, std::string_view b)
{
    if (asciiEqualsIgnoringCase(a, b))
        return true;
    if (engine::isAscii(a) && engine::isAscii(b))
        return false;
    return engine::folded(a) == engine::folded(b);
}

std::vector<std::string> splitCsvLine(const std::string& line)
{
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cur += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cur += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(std::move(cur));
    return out;
}

} // namespace

bool LogSourceEntry::covers(const Event& event) const
{
    const auto& keys = engine::SystemKeys::get();
    const std::string_view ch = engine::fieldByKey(event, keys.channel);
    if (!ch.empty() && !channel.empty()) {
        if (!equalsFolded(ch, channel))
            return false;
    } else if (!provider.empty()) {
        if (!equalsFolded(engine::fieldByKey(event, keys.provider), provider))
            return false;
    } else if (!channel.empty()) {
        return false; // the event has no channel and the row names no provider
    }
    if (eventIds.empty())
        return true;
    const std::string_view id = engine::fieldByKey(event, keys.eventId);
    std::uint32_t value = 0;
    auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
    if (ec != std::errc() || p != id.data() + id.size())
        return false;
    for (auto e : eventIds)
        if (e == value)
            return true;
    return false;
}

std::string LogSourceEntry::describe() const
{
    std::string out = channel.empty() ? provider : channel;
    if (!eventIds.empty()) {
        out += " EventID ";
        for (std::size_t i = 0; i < eventIds.size(); ++i)
            out += (i ? "/" : "") + std::to_string(eventIds[i]);
    }
    if (translation == SourceTranslation::Security4688)
        out += " (fields translated from Security 4688)";
    else if (translation == SourceTranslation::Security5156)
        out += " (translated from Security 5156)";
    return out;
}

const LogSourceTable& LogSourceTable::builtin()
{
    static const LogSourceTable table = [] {
        Diagnostics d;
        auto text = resources::data("logsources.csv");
        return fromText(text ? std::string(*text) : std::string(), "logsources.csv (built in)", d);
    }();
    return table;
}

LogSourceTable LogSourceTable::fromText(const std::string& text, const std::string& file, Diagnostics& diagnostics)
{
    LogSourceTable table;
    std::istringstream in(text);
    std::string line;
    int lineNo = 0;
    auto error = [&](const std::string& message) {
        diagnostics.push_back(
            Diagnostic{Severity::Error, "invalid-logsource-row", message, file, SourceSpan{{lineNo, 1}, {lineNo, 1}}});
    };
    while (std::getline(in, line)) {
        ++lineNo;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty() || line[0] == '#')
            continue;
        auto cols = splitCsvLine(line);
        if (cols.size() < 6 || cols.size() > 7) {
            error("expected 6 or 7 comma-separated columns (product,category,service,provider,channel,event_ids"
                  "[,translation]), found " +
                  std::to_string(cols.size()));
            continue;
        }
        LogSourceEntry e;
        e.product = engine::folded(cols[0]);
        e.category = engine::folded(cols[1]);
        e.service = engine::folded(cols[2]);
        e.provider = cols[3];
        e.channel = cols[4];
        e.file = file;
        e.line = lineNo;
        bool ok = true;
        std::istringstream ids(cols[5]);
        std::string id;
        while (ids >> id) {
            std::uint32_t v = 0;
            auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
            if (ec != std::errc() || p != id.data() + id.size()) {
                error("'" + id + "' is not an EventID");
                ok = false;
            }
            e.eventIds.push_back(v);
        }
        const std::string tr = cols.size() > 6 ? engine::folded(cols[6]) : std::string();
        if (tr == "security4688")
            e.translation = SourceTranslation::Security4688;
        else if (tr == "security5156")
            e.translation = SourceTranslation::Security5156;
        else if (!tr.empty()) {
            error("unknown translation '" + cols[6] + "' (known: security4688, security5156)");
            ok = false;
        }
        if (e.category.empty() && e.service.empty()) {
            error("a row needs a category or a service");
            ok = false;
        }
        if (e.channel.empty() && e.provider.empty()) {
            error("a row needs a channel or a provider");
            ok = false;
        }
        if (ok)
            table.m_entries.push_back(std::move(e));
    }
    return table;
}

LogSourceTable LogSourceTable::fromFile(const std::string& path, Diagnostics& diagnostics)
{
    std::string text, error;
    if (!readWholeFile(path, text, error)) {
        diagnostics.push_back(Diagnostic{Severity::Error, "io-error", "cannot read the log-source table", path, {}});
        return {};
    }
    return fromText(text, path, diagnostics);
}

LogSourceTable LogSourceTable::overriddenBy(const LogSourceTable& overrides) const
{
    std::set<std::tuple<std::string, std::string, std::string>> keys;
    for (const auto& e : overrides.m_entries)
        keys.emplace(e.product, e.category, e.service);
    LogSourceTable out;
    for (const auto& e : m_entries)
        if (!keys.count({e.product, e.category, e.service}))
            out.m_entries.push_back(e);
    for (const auto& e : overrides.m_entries)
        out.m_entries.push_back(e);
    return out;
}

std::vector<const LogSourceEntry*> LogSourceTable::lookup(const std::string& product, const std::string& category,
                                                          const std::string& service, bool& known) const
{
    std::vector<const LogSourceEntry*> out;
    known = false;
    if (category.empty() && service.empty())
        return out;
    for (const auto& e : m_entries) {
        if (!e.product.empty() && e.product != product)
            continue;
        if (!category.empty() && !service.empty()) {
            // Both given: rows of the category whose service is the rule's (or unspecified), else rows
            // of the service.
            if (e.category == category && (e.service.empty() || e.service == service))
                out.push_back(&e);
        } else if (!category.empty()) {
            if (e.category == category)
                out.push_back(&e);
        } else if (e.category.empty() && e.service == service) {
            out.push_back(&e);
        }
    }
    if (out.empty() && !category.empty() && !service.empty())
        for (const auto& e : m_entries)
            if ((e.product.empty() || e.product == product) && e.category.empty() && e.service == service)
                out.push_back(&e);
    known = !out.empty();
    return out;
}

} // namespace sigma
