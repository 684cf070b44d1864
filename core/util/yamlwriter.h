#pragma once

// Writing YAML text: scalars (plain where YAML 1.1 and 1.2 read them back as the same string,
// double-quoted otherwise) and literal block scalars that keep trailing newlines exactly. One writer
// for the test manifests and the rule parser's re-emitted custom attributes. Not yaml-cpp's
// emitter: it does not write the chomping indicators ("|-", "|+") a literal block needs to keep
// trailing newlines, and it has no compact one-line flow form for arbitrary values.

#include <string>
#include <string_view>

namespace sigma::yaml {

/// True when `s` can be written as a plain scalar and reads back as the same string (not a
/// boolean, null or number in YAML 1.1 or 1.2, no indicator characters).
bool plainSafe(std::string_view s);

/// `s` as a double-quoted scalar, with escapes for '"', '\\' and control characters.
std::string doubleQuoted(std::string_view s);

/// `s` plain when plainSafe, double-quoted otherwise.
std::string scalar(std::string_view s);

/// Appends `text` as a literal block scalar ("|", "|-" or "|+" and an indentation indicator when
/// needed) whose lines are indented by `indent`; the header goes where `out` ends.
void appendLiteralBlock(std::string& out, std::string_view text, std::string_view indent);

} // namespace sigma::yaml
