#pragma once

// Which files are event files, and the event files a list of paths names: the one place the CLI
// (`events`, `match`, `reach`), the loaders and every file dialog take them from.
#include "util/diagnostic.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

/// File name extensions searched for in folders, lower case with the dot: .evtx, .xml, .json,
/// .jsonl, .ndjson. (A file named explicitly is read whatever its name: the format comes from the
/// content.)
std::span<const std::string_view> eventFileExtensions();

/// True when the name ends in one of eventFileExtensions(), compared ASCII case-insensitively.
bool isEventFileName(std::string_view name);

/// The extensions as file-dialog patterns: "*.evtx *.xml *.json *.jsonl *.ndjson".
std::string eventFilePatterns();

/// The event files under `paths`, in order: a file is taken as given (even without an event
/// extension; a symbolic link is followed when read); a folder is searched recursively for event
/// files, following symbolic links to files and folders, each folder's files sorted by path. A
/// folder reached again through links while it is being searched (a loop) is not entered again and
/// gets a warning; a file or folder reached twice through links within one folder's search is
/// listed once. A path that does not exist, a folder that cannot be listed and a broken link with
/// an event extension are diagnostics (errors for the paths given and for folders that cannot be
/// listed, warnings for what is found inside a folder); everything else is still listed.
std::vector<std::string> collectEventFiles(const std::vector<std::string>& paths, Diagnostics& diagnostics);

/// How many events the file announces without being read: for an .evtx file, the records its chunk
/// headers count (48 bytes read per 64 KiB chunk; a chunk whose numbers do not add up counts 0, so
/// a damaged header cannot announce more than a full chunk could hold); 0 for other formats and
/// files that cannot be read. A hint for reserving memory, never a count to report.
std::uint64_t announcedEventCount(const std::string& path);

} // namespace sigma
