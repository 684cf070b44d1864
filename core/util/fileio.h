#pragma once

// Reading and writing whole files: one implementation of the atomic save every writer of the
// project uses (manifests, marked events, exports, zip archives, reports).

#include <filesystem>
#include <string>
#include <string_view>

namespace sigma {

/// Reads the whole file into `out`. On failure returns false with `error` saying why (strerror
/// text, without the path).
bool readWholeFile(const std::string& path, std::string& out, std::string& error);

/// Replaces `path` with `data` atomically: written to a temporary file beside it, synced to disk,
/// then renamed over it, so a crash or a full disk never leaves a half-written file and the old
/// content stays until the new one is complete. Missing parent folders are created when
/// `createFolders` is set (else the write fails); an existing file keeps its permissions. On failure returns false with
/// `error` naming the file and the cause, and removes the temporary file.
bool writeFileAtomically(const std::string& path, std::string_view data, std::string& error,
                         bool createFolders = false);

/// One name per file: `path` with symlinks and `..` resolved (std::filesystem::weakly_canonical),
/// or, when that fails, made absolute and normalised lexically. Two paths of the same file give
/// the same key.
std::filesystem::path canonicalPath(const std::string& path);

} // namespace sigma
