#pragma once

// Escaping text for XML 1.0 and HTML: one place for the Event XML rendering, the JUnit report and
// the technique page.

#include <string>
#include <string_view>

namespace sigma {

enum class XmlEscape {
    Text,      ///< character data: & < > escaped, CR as &#13; (XML would read it as a newline)
    Attribute, ///< attribute values (either quote): also " ' and tab/newline as references
};

/// Appends `text` to `out` made safe for XML 1.0 (and HTML): markup escaped per `mode`, and
/// characters XML cannot carry at all (controls other than tab/newline/CR, invalid or overlong
/// UTF-8, surrogates, U+FFFE/U+FFFF) replaced by U+FFFD.
void appendXmlEscaped(std::string& out, std::string_view text, XmlEscape mode);

/// The same, as a new string.
std::string xmlEscaped(std::string_view text, XmlEscape mode);

} // namespace sigma
