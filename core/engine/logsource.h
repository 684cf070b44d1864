#pragma once

// The log-source table: which events a rule's `logsource` (product / category / service) covers.
// Built in from resources/data/logsources.csv; a user file in the same format overrides the
// entries it names (all rows of a product/category/service key replace the built-in rows).

#include "events/event.h"
#include "util/diagnostic.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sigma {

/// Field/value translation applied to events of a source before a rule sees them.
enum class SourceTranslation {
    None,
    Security4688, ///< Security 4688 -> Sysmon 1 field names (NewProcessName -> Image, ...)
    Security5156, ///< Security 5156 -> Sysmon 3 (only when CompileOptions::translateSecurity5156)
};

/// A field a translation wrote and the source field(s) it was read from: "Image" from
/// "NewProcessName", "User" from "SubjectDomainName\\SubjectUserName" (two fields joined).
struct TranslatedField {
    std::string field;
    std::string from;
};

/// The event as a rule of a translating log source sees it (Security 4688 under Sysmon 1 names,
/// ...); `origins`, when given, receives the fields renamed or derived. The event itself for None.
Event translatedEvent(const Event& event, SourceTranslation translation,
                      std::vector<TranslatedField>* origins = nullptr);

/// One row: events with this channel (or provider) and one of these EventIDs.
struct LogSourceEntry {
    std::string product;                 ///< lower case; empty = any
    std::string category;                ///< lower case; empty = none given in the rule
    std::string service;                 ///< lower case; empty = none given in the rule
    std::string provider;                ///< may be empty
    std::string channel;                 ///< may be empty (then the provider decides)
    std::vector<std::uint32_t> eventIds; ///< empty = any EventID of the channel
    SourceTranslation translation = SourceTranslation::None;
    std::string file; ///< where the row came from
    int line = 0;

    /// The event is from this row's channel/provider and EventID.
    bool covers(const Event& event) const;
    std::string describe() const;
};

class LogSourceTable {
public:
    /// The table compiled into the program.
    static const LogSourceTable& builtin();

    /// Parses rows in the CSV format of resources/data/logsources.csv.
    static LogSourceTable fromText(const std::string& text, const std::string& file, Diagnostics& diagnostics);
    static LogSourceTable fromFile(const std::string& path, Diagnostics& diagnostics);

    /// A copy of this table where the rows of `overrides` replace rows with the same key.
    LogSourceTable overriddenBy(const LogSourceTable& overrides) const;

    /// The rows a rule log source maps to. A rule with category and service matches rows with
    /// both; with only one of them, rows with that one (any value of the other). `known` is false
    /// when the table says nothing about the log source (then the rule is not scoped).
    std::vector<const LogSourceEntry*> lookup(const std::string& product, const std::string& category,
                                              const std::string& service, bool& known) const;

    const std::vector<LogSourceEntry>& entries() const { return m_entries; }

private:
    std::vector<LogSourceEntry> m_entries;
};

} // namespace sigma
