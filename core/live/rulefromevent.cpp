#include "live/rulefromevent.h"

#include "corpus/vendorindicators.h"
#include "engine/casefold.h"
#include "events/catalog.h"
#include "rule/yamlscalar.h"
#include "util/asciitext.h"
#include "util/uuid.h"
#include "util/yamlwriter.h"

#include <charconv>

namespace sigma {

namespace {

using engine::folded;

struct Key {
    std::string product;
    std::string category;
    std::string service;
    friend bool operator==(const Key&, const Key&) = default;
};

/// The row of `key` covering `event` (Security 5156 rows left out); nullptr when none.
const LogSourceEntry* rowFor(const LogSourceTable& table, const Key& key, const Event& event)
{
    for (const auto& row : table.entries())
        if (row.translation != SourceTranslation::Security5156 && row.product == key.product &&
            row.category == key.category && row.service == key.service && row.covers(event))
            return &row;
    return nullptr;
}

int eventIdOf(const Event& event)
{
    const std::string_view text = event.eventId();
    int id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    return ec == std::errc() && end == text.data() + text.size() ? id : -1;
}

const CatalogEntry* catalogEntryOf(const Event& event)
{
    const int id = eventIdOf(event);
    return id < 0 ? nullptr : EventCatalog::find(event.provider(), id, event.channel());
}

/// "Microsoft-Windows-TaskScheduler/Operational" -> "taskscheduler"; "Windows PowerShell" ->
/// "windows-powershell".
std::string serviceFromChannel(std::string_view channel)
{
    std::string s = asciiLowered(channel);
    constexpr std::string_view prefix = "microsoft-windows-";
    constexpr std::string_view operational = "/operational";
    if (s.starts_with(prefix))
        s.erase(0, prefix.size());
    if (s.ends_with(operational))
        s.erase(s.size() - operational.size());
    for (char& c : s)
        if (c == '/' || c == ' ')
            c = '-';
    return s;
}

/// The table's best key covering every event (see ruleFromEvents); nullopt when none does.
std::optional<Key> chooseKey(const LogSourceTable& table, const std::vector<const Event*>& events)
{
    const CatalogEntry* hint = catalogEntryOf(*events.front());
    std::optional<Key> best;
    std::tuple<int, int, std::size_t> bestRank{};
    std::vector<Key> seen;
    for (const auto& row : table.entries()) {
        Key key{row.product, row.category, row.service};
        if (row.translation == SourceTranslation::Security5156 ||
            std::find(seen.begin(), seen.end(), key) != seen.end())
            continue;
        seen.push_back(key);
        bool all = true;
        for (const Event* e : events)
            all = all && rowFor(table, key, *e) != nullptr;
        if (!all)
            continue;
        std::size_t breadth = 0; // EventIDs the key's rows select; a row with any EventID counts as many
        for (const auto& r : table.entries())
            if (r.product == key.product && r.category == key.category && r.service == key.service)
                breadth += r.eventIds.empty() ? 1000 : r.eventIds.size();
        const bool hinted =
            hint && !hint->logsource.empty() && (key.category.empty() ? key.service : key.category) == hint->logsource;
        const std::tuple<int, int, std::size_t> rank{key.category.empty() ? 1 : 0, hinted ? 0 : 1, breadth};
        if (!best || rank < bestRank) {
            best = key;
            bestRank = rank;
        }
    }
    return best;
}

/// One ticked field as the rule writes it, with its value in each event.
struct Column {
    std::string name;                ///< as the (translated) event spells it
    std::vector<std::string> values; ///< one per event
};

/// The field of `event` named `name` (case-insensitively): its spelling and first value.
const EventField* findField(const Event& event, std::string_view name)
{
    const std::string key = folded(name);
    for (const auto& f : event.fields)
        if (folded(FieldNames::text(f.name)) == key)
            return &f;
    return nullptr;
}

/// The name a translation gave the ticked source field `ticked` ("NewProcessName" -> "Image"),
/// or `ticked` itself.
std::string renamedField(const std::vector<TranslatedField>& origins, std::string_view ticked)
{
    const std::string key = folded(ticked);
    for (const auto& o : origins) {
        std::string_view from = o.from;
        while (!from.empty()) {
            const std::size_t cut = from.find('\\');
            if (folded(from.substr(0, cut)) == key)
                return o.field;
            from = cut == std::string_view::npos ? std::string_view() : from.substr(cut + 1);
        }
    }
    return std::string(ticked);
}

std::string_view fileName(std::string_view path)
{
    const std::size_t slash = path.find_last_of("\\/");
    return slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
}

/// Written unquoted it reads back as the same integer text (so "number-as-string" stays quiet).
bool plainInteger(const std::string& value)
{
    long long n = 0;
    return yaml11::resolveInt(value, n) && std::to_string(n) == value;
}

/// A Sigma string value (already escaped for Sigma) as a YAML scalar: single-quoted, or
/// double-quoted when it holds a control character (single quotes would fold a line break).
std::string quoted(const std::string& sigmaValue)
{
    for (unsigned char c : sigmaValue)
        if (c < 0x20 || c == 0x7F)
            return yaml::doubleQuoted(sigmaValue);
    std::string out = "'";
    for (char c : sigmaValue)
        out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

/// Text starting with a letter written plain when YAML reads it back the same (no ": " or " #",
/// no control character, no trailing ':' or blank), single-quoted otherwise.
std::string metadataText(const std::string& text)
{
    const bool plain = !text.empty() && isAsciiLetter(text.front()) && text.find(": ") == std::string::npos &&
                       text.find(" #") == std::string::npos && text.back() != ':' && text.back() != ' ' &&
                       std::none_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7F; });
    return plain ? text : quoted(text);
}

std::string valueText(const std::string& literal)
{
    return plainInteger(literal) ? literal : quoted(sigmaEscaped(literal));
}

/// The selection's lines for one column, indented by eight spaces.
std::string selectionLines(const Column& column)
{
    std::vector<std::string> distinct; // first spelling of each value, compared case-insensitively
    std::vector<std::string> keys;
    for (const auto& v : column.values) {
        std::string k = folded(v);
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
            keys.push_back(std::move(k));
            distinct.push_back(v);
        }
    }
    const std::string field = "        " + yaml::scalar(column.name);
    if (distinct.size() == 1)
        return field + ": " + valueText(distinct.front()) + '\n';
    const std::string_view name = fileName(distinct.front());
    bool sameName = !name.empty();
    for (const auto& v : distinct)
        sameName = sameName && folded(fileName(v)) == folded(name);
    if (sameName)
        return field + "|endswith: " + quoted(sigmaEscaped("\\" + std::string(name))) + '\n';
    std::string out = field + ":\n";
    for (const auto& v : distinct)
        out += "            - " + valueText(v) + '\n';
    return out;
}

std::string eventLabel(const Event& event)
{
    CatalogEventRef ref{std::string(event.provider()), 0, {}};
    std::string provider = ref.shortProvider();
    if (provider.empty())
        provider = std::string(event.channel());
    return provider + ' ' + std::string(event.eventId());
}

} // namespace

RuleFromEvents ruleFromEvents(const std::vector<const Event*>& events, const std::vector<std::string>& fields,
                              const RuleFromEventsOptions& options)
{
    RuleFromEvents out;
    auto fail = [&out](const std::string& message) {
        out.diagnostics.push_back(Diagnostic{Severity::Error, "rule-from-event", message, {}, {}});
        return out;
    };
    if (events.empty())
        return fail("no event selected");
    if (fields.empty())
        return fail("no field ticked");
    const LogSourceTable& table = options.table ? *options.table : LogSourceTable::builtin();

    // The log source, and each event as a rule of it sees the event.
    const std::optional<Key> key = chooseKey(table, events);
    std::vector<Event> seen;
    std::vector<std::vector<TranslatedField>> origins(events.size());
    seen.reserve(events.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
        const LogSourceEntry* row = key ? rowFor(table, *key, *events[i]) : nullptr;
        seen.push_back(row ? translatedEvent(*events[i], row->translation, &origins[i]) : *events[i]);
    }
    if (key) {
        out.product = key->product;
        out.category = key->category;
        out.service = key->service;
    } else {
        const Event& first = *events.front();
        out.product = "windows";
        out.service = serviceFromChannel(first.channel().empty() ? first.provider() : first.channel());
        bool oneSource = true;
        for (const Event* e : events)
            oneSource = oneSource && e->channel() == first.channel() && e->provider() == first.provider();
        out.diagnostics.push_back(Diagnostic{
            Severity::Warning,
            "rule-from-event",
            out.service.empty() ? std::string("the events name no channel or provider: the log source is product "
                                              "windows alone")
            : oneSource ? "the log-source table does not know '" + std::string(first.channel()) + "': service '" +
                              out.service + "' made from the channel"
                        : "no log source of the table covers every event: service '" + out.service +
                              "' made from the first event's channel",
            {},
            {}});
    }

    // The columns: each ticked field under the name the rule sees, present in every event.
    std::vector<Column> columns;
    for (const auto& ticked : fields) {
        Column column;
        bool everywhere = true;
        for (std::size_t i = 0; i < seen.size() && everywhere; ++i) {
            const EventField* f = findField(seen[i], renamedField(origins[i], ticked));
            everywhere = f != nullptr;
            if (!f)
                out.diagnostics.push_back(Diagnostic{Severity::Warning,
                                                     "rule-from-event",
                                                     "'" + ticked + "' is not in event " + std::to_string(i + 1) +
                                                         " (" + eventLabel(*events[i]) + "): left out of the selection",
                                                     {},
                                                     {}});
            else if (i == 0)
                column.name = std::string(FieldNames::text(f->name));
            if (f)
                column.values.push_back(std::string(seen[i].text(*f)));
        }
        const bool duplicate = std::any_of(columns.begin(), columns.end(),
                                           [&](const Column& c) { return folded(c.name) == folded(column.name); });
        if (everywhere && !duplicate)
            columns.push_back(std::move(column));
    }
    if (columns.empty())
        return fail("none of the ticked fields is in every selected event");

    const CatalogEntry* entry = catalogEntryOf(*events.front());
    std::string& y = out.yaml;
    y += "title: " + metadataText("TODO " + (entry ? entry->title : std::string("Title"))) + '\n';
    y += "id: " + (options.id.empty() ? newUuid() : options.id) + '\n';
    y += "status: experimental\n";
    y += "description: " +
         metadataText("TODO Describe what the rule detects and why (made from " + std::to_string(events.size()) +
                      (events.size() == 1 ? " event, " : " events, ") + eventLabel(*events.front()) + ")") +
         '\n';
    y += "author: TODO\n";
    y += "date: " + (options.date.empty() ? todayUtc() : options.date) + '\n';
    y += "tags: [] # TODO the ATT&CK tactic and technique, e.g. attack.execution, attack.t1059\n";
    y += "logsource:\n";
    y += "    product: " + yaml::scalar(out.product) + '\n';
    if (!out.category.empty())
        y += "    category: " + yaml::scalar(out.category) + '\n';
    if (!out.service.empty())
        y += "    service: " + yaml::scalar(out.service) + '\n';
    y += "detection:\n    selection:\n";
    for (const auto& c : columns)
        y += selectionLines(c);
    y += "    condition: selection\n";
    y += "falsepositives:\n    - TODO\n";
    y += "level: medium\n";
    return out;
}

} // namespace sigma
