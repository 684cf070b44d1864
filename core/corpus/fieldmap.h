#pragma once

// Field-name normalisation across log sources and vendors: one canonical name per field. The
// Sysmon / Sigma taxonomy names are canonical; Windows Security log names (Application,
// DestAddress, NewProcessName, ...), Elastic ECS (process.executable, destination.ip, ...) and
// Splunk CIM (process_name, dest_ip, ...) map onto them through resources/data/fieldmap.tsv.

#include "util/diagnostic.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sigma {

/// Where a field is used: the rule's log-source category and the catalog events it covers. Some
/// aliases mean different canonical fields in different places (Security 4688's ProcessId is the
/// parent's id), so a lookup may be scoped.
struct FieldScope {
    std::string category;
    /// "Provider/EventID" keys, e.g. "Microsoft-Windows-Security-Auditing/4688".
    std::vector<std::string> events;
};

class FieldMap {
public:
    struct Mapping {
        std::string canonical; ///< the canonical spelling (the written name when unmapped)
        bool basename = false; ///< the alias holds the file name of the canonical path
        std::string schema;    ///< "ecs", "splunk-cim", "windows-security"; empty when unmapped
        bool mapped() const { return !schema.empty(); }
    };

    /// The tables compiled into the library (resources/data/fieldmap.tsv, then
    /// fieldmap-vendors.tsv), parsed once.
    static const FieldMap& builtin();
    /// Parses a table in the fieldmap.tsv format; problems are appended to `diagnostics` naming
    /// `file` and the line.
    static FieldMap fromTsv(std::string_view text, const std::string& file, Diagnostics* diagnostics = nullptr);

    /// Maps a field name as written (any case; an ECS "winlog.event_data." prefix is dropped) to its
    /// canonical name. The most specific entry wins: event scope, then category, then global.
    Mapping lookup(std::string_view name, const FieldScope& scope = {}) const;
    std::string canonical(std::string_view name, const FieldScope& scope = {}) const
    {
        return lookup(name, scope).canonical;
    }

    std::size_t size() const { return m_size; }

private:
    struct Entry {
        std::string canonical;
        bool basename = false;
        std::string schema;
        std::string scope; ///< "", "category:x" or "event:Provider/ID"
    };
    std::unordered_map<std::string, std::vector<Entry>> m_entries; ///< by case-folded alias
    std::size_t m_size = 0;
};

} // namespace sigma
