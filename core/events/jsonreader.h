#pragma once

// Internal: JSON events (arrays, JSON Lines, concatenated objects; evtx_dump's nested shape,
// Winlogbeat's "winlog" shape and flat NXLog-like objects).
#include "events/reader.h"

namespace sigma::detail {

void readJsonText(std::string_view text, const std::string& name, const ReadOptions& options, ReadResult& result);

} // namespace sigma::detail
