#pragma once

// Internal: the .evtx readers. The default is our own decoder (evtx/evtxdecoder.h); libevtx
// (which renders each record as XML for the XML path to normalise) stays as the reference and
// fallback: SIGMA_EVTX_DECODER=libevtx in the environment selects it.
#include "events/reader.h"

#include <string>

namespace sigma::detail {

enum class EvtxDecoder { Own, Libevtx };

/// The decoder SIGMA_EVTX_DECODER names ("libevtx" or "own"); Own when it is unset or unknown.
/// The environment is read once, at the first call.
EvtxDecoder defaultEvtxDecoder();

/// Reads an EVTX file from disk with the default decoder. `displayName` names it in origins and
/// diagnostics.
void readEvtxFile(const std::string& path, const std::string& displayName, const ReadOptions& options,
                  ReadResult& result);

/// The same with a given decoder (the differential test compares both).
void readEvtxFileWith(EvtxDecoder decoder, const std::string& path, const std::string& displayName,
                      const ReadOptions& options, ReadResult& result);

} // namespace sigma::detail
