#pragma once

#include <cstdint>
#include <string_view>

namespace sigma {

/// Process-wide interning of field names. Thread-safe; ids are stable for the process lifetime.
///
/// Every field name has an id (exact spelling) and a key: the id of its case-folded spelling without
/// spaces, so `TargetFileName` and `TargetFilename` share one key, and so do Windows Defender's
/// `Source Name` and a rule's `SourceName`. Matching uses keys (Sigma field names are
/// case-insensitive); display uses ids.
namespace FieldNames {
using Id = std::uint32_t;
Id intern(std::string_view name);
Id key(Id id);
inline Id internKey(std::string_view name)
{
    return key(intern(name));
}
std::string_view text(Id id);
} // namespace FieldNames

} // namespace sigma
