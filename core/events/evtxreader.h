#pragma once

// Internal: the .evtx reader (libevtx renders each record as XML; the XML path normalises it).
#include "events/reader.h"

#include <string>

namespace sigma::detail {

/// Reads an EVTX file from disk. `displayName` names it in origins and diagnostics.
void readEvtxFile(const std::string& path, const std::string& displayName, const ReadOptions& options,
                  ReadResult& result);

} // namespace sigma::detail
