#pragma once

// Unicode simple case folding for case-insensitive matching, with an ASCII fast path.

#include "util/utf8.h"

#include <string>
#include <string_view>

namespace sigma::engine {

bool isAscii(std::string_view text);
/// Appends the case-folded text; invalid UTF-8 bytes are copied unchanged.
void appendFolded(std::string_view text, std::string& out);
std::string folded(std::string_view text);
/// Folds one code point (simple folding: one code point to one code point).
char32_t foldCodePoint(char32_t cp);

// UTF-8 decoding and encoding (util/utf8.h), as the engine's files have always called them.
using sigma::appendUtf8;
using sigma::decodeUtf8;
using sigma::isValidUtf8;

} // namespace sigma::engine
