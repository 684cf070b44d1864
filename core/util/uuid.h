#pragma once

// New identifiers for rules: random (version 4) UUIDs in the lower-case 8-4-4-4-12 form Sigma's
// `id` uses, and today's date as Sigma's `date` wants it.

#include <string>

namespace sigma {

/// A new random UUID (RFC 9562 version 4, variant 10), e.g. "5f0c4e6a-8d1b-4c7e-9a3f-0b2d6e8f1a47".
std::string newUuid();

/// Today's date in UTC as YYYY-MM-DD.
std::string todayUtc();

} // namespace sigma
