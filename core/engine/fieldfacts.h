#pragma once

// What the event catalog knows of a field, for the editor's hover on a field name: which catalog
// events of the rule's log source carry it (under which name, when the log source reads an event
// through a translation: Security 4688's NewProcessName is Image), and which other events do.
// Built from the log-source table and the event catalog, as the field completion is.

#include "engine/logsource.h"
#include "events/catalog.h"
#include "rule/rule.h"

#include <string>
#include <string_view>
#include <vector>

namespace sigma {

struct FieldCarrier {
    CatalogEventRef event;
    std::string as; ///< the event's own field name when a translation renames it; empty otherwise
};

struct FieldFacts {
    bool system = false;                    ///< a System field every Windows event has (EventID, Channel, ...)
    bool logSourceKnown = false;            ///< the table knows the rule's log source
    std::vector<FieldCarrier> inLogSource;  ///< catalog events of the log source carrying the field
    std::vector<CatalogEventRef> elsewhere; ///< other catalog events carrying it
    std::string description;                ///< what the field holds (fieldDescription), may be empty
};

/// What a Windows event field holds, from resources/data/field-descriptions.tsv (names compared
/// case-insensitively); empty when the table has no such field.
std::string fieldDescription(std::string_view field);

/// The facts of `field` (compared case-insensitively) for a rule with `logsource`. Security 5156
/// rows are left out (they apply only with the optional translation).
FieldFacts fieldFacts(std::string_view field, const LogSource& logsource,
                      const LogSourceTable& table = LogSourceTable::builtin());

/// The facts as lines for a hover: "Image: Sysmon 1 Process creation; Security-Auditing 4688 A new
/// process has been created (as NewProcessName)", "Also in: ...", or that no catalog event of the
/// log source carries the field.
std::string fieldFactsText(std::string_view field, const FieldFacts& facts);

} // namespace sigma
