#include "engine/fieldfacts.h"

#include "util/asciitext.h"
#include "util/resources.h"

#include <algorithm>
#include <map>

namespace sigma {

namespace {

bool sameName(std::string_view a, std::string_view b)
{
    return asciiEqualsIgnoringCase(a, b);
}

bool rowHolds(const LogSourceEntry& row, const CatalogEntry& entry)
{
    const bool source =
        !row.provider.empty() ? sameName(row.provider, entry.provider) : sameName(row.channel, entry.channel);
    return source &&
           (row.eventIds.empty() || std::find(row.eventIds.begin(), row.eventIds.end(),
                                              static_cast<std::uint32_t>(entry.eventId)) != row.eventIds.end());
}

CatalogEventRef refOf(const CatalogEntry& entry)
{
    return CatalogEventRef{entry.provider, static_cast<std::uint32_t>(entry.eventId), entry.title};
}

/// Whether events of `entry` read through `translation` carry `field`; `as` gets the event's own
/// name when the translation renamed it.
bool carries(const CatalogEntry& entry, SourceTranslation translation, std::string_view field, std::string& as)
{
    as.clear();
    if (translation == SourceTranslation::None)
        return std::any_of(entry.fields.begin(), entry.fields.end(),
                           [&](const std::string& f) { return sameName(f, field); });
    Event sample; // the catalog's fields with a placeholder value, read as the rule reads them
    for (const auto& f : entry.fields)
        sample.add(f, "1");
    std::vector<TranslatedField> origins;
    const Event seen = translatedEvent(sample, translation, &origins);
    for (const auto& o : origins)
        if (sameName(o.field, field)) {
            as = o.from;
            return true;
        }
    return seen.value(field).has_value();
}

std::string label(const CatalogEventRef& ref)
{
    return ref.shortProvider() + ' ' + std::to_string(ref.eventId);
}

/// field-descriptions.tsv, keyed by the lower-cased field name.
const std::map<std::string, std::string>& descriptions()
{
    static const std::map<std::string, std::string> table = [] {
        std::map<std::string, std::string> out;
        const std::string_view text = resources::data("field-descriptions.tsv").value_or(std::string_view{});
        std::size_t start = 0;
        while (start < text.size()) {
            auto end = text.find('\n', start);
            if (end == std::string_view::npos)
                end = text.size();
            const std::string_view line = text.substr(start, end - start);
            start = end + 1;
            const auto tab = line.find('\t');
            if (line.empty() || line.front() == '#' || tab == std::string_view::npos)
                continue;
            out.emplace(asciiLowered(line.substr(0, tab)), std::string(line.substr(tab + 1)));
        }
        return out;
    }();
    return table;
}

} // namespace

std::string fieldDescription(std::string_view field)
{
    const auto it = descriptions().find(asciiLowered(field));
    return it == descriptions().end() ? std::string() : it->second;
}

FieldFacts fieldFacts(std::string_view field, const LogSource& logsource, const LogSourceTable& table)
{
    FieldFacts facts;
    facts.description = fieldDescription(field);
    const auto& system = EventCatalog::systemFields();
    facts.system = std::any_of(system.begin(), system.end(), [&](const std::string& f) { return sameName(f, field); });
    const auto rows = table.lookup(asciiLowered(logsource.product), asciiLowered(logsource.category),
                                   asciiLowered(logsource.service), facts.logSourceKnown);
    std::string as;
    for (const CatalogEntry& entry : EventCatalog::all()) {
        bool inSource = false;
        for (const LogSourceEntry* row : rows) {
            if (row->translation == SourceTranslation::Security5156 || !rowHolds(*row, entry))
                continue;
            inSource = true;
            if (carries(entry, row->translation, field, as)) {
                facts.inLogSource.push_back({refOf(entry), as});
                break;
            }
        }
        if (!inSource && carries(entry, SourceTranslation::None, field, as))
            facts.elsewhere.push_back(refOf(entry));
    }
    return facts;
}

std::string fieldFactsText(std::string_view field, const FieldFacts& facts)
{
    std::string text(field);
    const std::string about = facts.description.empty() ? std::string() : "\n" + facts.description;
    if (facts.system)
        return text + ": a System field every Windows event has" + about;
    constexpr std::size_t shown = 6; // events named; the rest counted
    if (!facts.inLogSource.empty()) {
        text += ": in ";
        for (std::size_t i = 0; i < facts.inLogSource.size() && i < shown; ++i) {
            const auto& c = facts.inLogSource[i];
            text += (i ? "; " : "") + label(c.event) + (c.event.title.empty() ? "" : " " + c.event.title);
            if (!c.as.empty())
                text += " (as " + c.as + ")";
        }
        if (facts.inLogSource.size() > shown)
            text += " and " + std::to_string(facts.inLogSource.size() - shown) + " more";
    } else if (facts.logSourceKnown) {
        text += ": no catalog event of this log source carries it";
    } else {
        text += ": the log source is not in the log-source table";
    }
    if (!facts.elsewhere.empty()) {
        text += "\nAlso in: ";
        for (std::size_t i = 0; i < facts.elsewhere.size() && i < shown; ++i)
            text += (i ? ", " : "") + label(facts.elsewhere[i]);
        if (facts.elsewhere.size() > shown)
            text += " and " + std::to_string(facts.elsewhere.size() - shown) + " more";
    }
    return text + about;
}

} // namespace sigma
