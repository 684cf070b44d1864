#pragma once

// Internal to core/validation: the YAML helpers the manifest reader, the SigmaHQ info.yml reader
// and test discovery share.

#include "util/diagnostic.h"

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sigma::manifestyaml {

constexpr std::size_t kMaxManifestBytes = 4u << 20;
constexpr int kMaxFlowDepth = 64;

/// Line and column of a node (both ends at its start).
SourceSpan spanOf(const YAML::Node& node);
/// An error diagnostic `code` for a yaml-cpp exception, at its mark when it has one.
Diagnostic yamlErrorDiagnostic(const YAML::Exception& e, const char* code, const std::string& file);
/// "a map", "a list", "a scalar", "null" or "nothing", for messages.
std::string nodeTypeName(const YAML::Node& node);
bool endsWith(std::string_view s, std::string_view suffix);
/// Parses a non-negative integer scalar; false (with a diagnostic) otherwise.
bool readCount(const YAML::Node& node, const char* key, const std::string& file, Diagnostics& diags,
               std::uint64_t& out);
/// Parses a boolean scalar; false (with a diagnostic) otherwise.
bool readBool(const YAML::Node& node, const char* key, const std::string& file, Diagnostics& diags, bool& out);
/// yaml-cpp parses recursively: the 1-based line where flow nesting gets deeper than kMaxFlowDepth, or 0.
int tooDeepAt(const std::string& text);

} // namespace sigma::manifestyaml
