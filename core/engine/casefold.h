#pragma once

// Unicode simple case folding for case-insensitive matching, with an ASCII fast path.

#include <string>
#include <string_view>

namespace sigma::engine {

bool isAscii(std::string_view text);
/// Appends the case-folded text; invalid UTF-8 bytes are copied unchanged.
void appendFolded(std::string_view text, std::string& out);
std::string folded(std::string_view text);
/// Folds one code point (simple folding: one code point to one code point).
char32_t foldCodePoint(char32_t cp);

/// Decodes the code point at text[pos]; advances pos. Invalid bytes decode as themselves (one byte).
char32_t decodeUtf8(std::string_view text, std::size_t& pos, bool* valid = nullptr);
void appendUtf8(char32_t cp, std::string& out);
bool isValidUtf8(std::string_view text);

} // namespace sigma::engine
