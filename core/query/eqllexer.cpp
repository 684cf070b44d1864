#include "query/eqllexer.h"

#include "query/treebuild.h"
#include "util/hexdigit.h"

namespace sigma {

namespace {

using Kind = EqlToken::Kind;

bool identStart(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '@';
}

class EqlLexer {
public:
    explicit EqlLexer(std::string_view text)
        : m_t(text)
    {}

    std::vector<EqlToken> run()
    {
        std::vector<EqlToken> out;
        while (true) {
            skipBlank();
            if (m_error) {
                out.push_back(error(m_errorMessage, m_errorAt));
                return out;
            }
            if (m_p >= m_t.size()) {
                out.push_back({Kind::End, {}, {}, m_p, m_p});
                return out;
            }
            EqlToken t = token();
            const bool stop = t.kind == Kind::Error;
            out.push_back(std::move(t));
            if (stop)
                return out;
        }
    }

private:
    char at(std::size_t p) const { return p < m_t.size() ? m_t[p] : '\0'; }

    EqlToken error(const char* message, std::size_t at) const
    {
        return {Kind::Error, message, {}, at, std::min(at + 1, m_t.size())};
    }

    void skipBlank()
    {
        if (!querytree::skipBlanksAndComments(m_t, m_p)) {
            m_error = true;
            m_errorMessage = "unterminated comment";
            m_errorAt = m_p;
        }
    }

    EqlToken simple(Kind kind, std::size_t length)
    {
        EqlToken t{kind, m_t.substr(m_p, length), {}, m_p, m_p + length};
        m_p += length;
        return t;
    }

    EqlToken token()
    {
        const char c = m_t[m_p];
        const char n = at(m_p + 1);
        switch (c) {
        case '=':
            return n == '=' ? simple(Kind::Equals, 2) : simple(Kind::Assign, 1);
        case '!':
            if (n == '=')
                return simple(Kind::NotEquals, 2);
            if (n == '[')
                return simple(Kind::MissingOpen, 2);
            return error("unexpected '!'", m_p);
        case '<':
            return n == '=' ? simple(Kind::LessEq, 2) : simple(Kind::Less, 1);
        case '>':
            return n == '=' ? simple(Kind::GreaterEq, 2) : simple(Kind::Greater, 1);
        case ':':
            return simple(Kind::Colon, 1);
        case '+':
            return simple(Kind::Plus, 1);
        case '-':
            return simple(Kind::Minus, 1);
        case '*':
            return simple(Kind::Star, 1);
        case '/':
            return simple(Kind::Slash, 1);
        case '%':
            return simple(Kind::Percent, 1);
        case ',':
            return simple(Kind::Comma, 1);
        case '|':
            return simple(Kind::Pipe, 1);
        case '(':
            return simple(Kind::LParen, 1);
        case ')':
            return simple(Kind::RParen, 1);
        case '[':
            return simple(Kind::LBracket, 1);
        case ']':
            return simple(Kind::RBracket, 1);
        case '"':
        case '\'':
            return string();
        case '?':
            if (n == '"' || n == '\'')
                return rawString(m_p + 1);
            if (identStart(n) || n == '`') {
                const std::size_t begin = m_p++;
                EqlToken t = path(begin);
                if (t.kind != Kind::Error)
                    t.kind = Kind::OptionalField;
                return t;
            }
            return error("unexpected '?'", m_p);
        case '`':
            return path(m_p);
        default:
            break;
        }
        if ((c >= '0' && c <= '9') || (c == '.' && at(m_p + 1) >= '0' && at(m_p + 1) <= '9'))
            return number();
        if (identStart(c))
            return path(m_p);
        return error("unexpected character", m_p);
    }

    EqlToken number()
    {
        const std::size_t begin = m_p;
        while (m_p < m_t.size() && ((m_t[m_p] >= '0' && m_t[m_p] <= '9') || m_t[m_p] == '.'))
            ++m_p;
        if ((at(m_p) == 'e' || at(m_p) == 'E') &&
            ((at(m_p + 1) >= '0' && at(m_p + 1) <= '9') ||
             ((at(m_p + 1) == '+' || at(m_p + 1) == '-') && at(m_p + 2) >= '0' && at(m_p + 2) <= '9'))) {
            m_p += 2;
            while (m_p < m_t.size() && m_t[m_p] >= '0' && m_t[m_p] <= '9')
                ++m_p;
        }
        return {Kind::Number, m_t.substr(begin, m_p - begin), std::string(m_t.substr(begin, m_p - begin)), begin, m_p};
    }

    /// name(.name | [digits])* with `escaped` parts; a trailing `~` on a plain name.
    EqlToken path(std::size_t begin)
    {
        EqlToken t;
        t.kind = m_t[m_p] == '`' ? Kind::EscapedName : Kind::Name;
        t.begin = begin;
        bool first = true;
        while (true) {
            if (at(m_p) == '`') {
                // ESCAPED_IDENTIFIER: '`' ( ~'`' | '``' )* '`' (a doubled backquote is one)
                std::size_t q = m_p + 1;
                while (true) {
                    const auto close = m_t.find('`', q);
                    if (close == std::string_view::npos)
                        return error("unterminated `escaped` name", m_p);
                    t.value.append(m_t.substr(q, close - q));
                    if (at(close + 1) != '`') {
                        m_p = close + 1;
                        break;
                    }
                    t.value += '`';
                    q = close + 2;
                }
            } else if (identStart(at(m_p))) {
                const std::size_t s = m_p++;
                while (querytree::isWordChar(at(m_p)))
                    ++m_p;
                t.value.append(m_t.substr(s, m_p - s));
            } else if (!first) {
                return error("expected a field name after '.'", m_p);
            }
            first = false;
            // [n] indexes written right after the name
            while (at(m_p) == '[' && at(m_p + 1) >= '0' && at(m_p + 1) <= '9') {
                std::size_t q = m_p + 1;
                while (at(q) >= '0' && at(q) <= '9')
                    ++q;
                if (at(q) != ']')
                    break;
                t.value.append(m_t.substr(m_p, q + 1 - m_p));
                m_p = q + 1;
            }
            if (at(m_p) == '.' && (identStart(at(m_p + 1)) || at(m_p + 1) == '`')) {
                t.value += '.';
                ++m_p;
                continue;
            }
            break;
        }
        if (t.kind == Kind::Name && at(m_p) == '~' && t.value.find('.') == std::string::npos) {
            t.value += '~';
            ++m_p;
        }
        t.end = m_p;
        t.text = m_t.substr(begin, m_p - begin);
        return t;
    }

    EqlToken string()
    {
        const std::size_t begin = m_p;
        const char q = m_t[m_p];
        if (q == '"' && m_t.substr(m_p, 3) == "\"\"\"") {
            const auto close = m_t.find("\"\"\"", m_p + 3);
            if (close == std::string_view::npos)
                return error("unterminated \"\"\" string", begin);
            std::size_t end = close + 3;
            while (at(end) == '"' && end < close + 5)
                ++end; // """a"""" ends with the text's own quote(s)
            EqlToken t{Kind::String, m_t.substr(begin, end - begin),
                       std::string(m_t.substr(begin + 3, end - 3 - begin - 3)), begin, end};
            m_p = end;
            return t;
        }
        std::string value;
        ++m_p;
        while (true) {
            if (m_p >= m_t.size() || m_t[m_p] == '\n' || m_t[m_p] == '\r')
                return error("unterminated string", begin);
            const char c = m_t[m_p];
            if (c == q)
                break;
            if (c != '\\') {
                value += c;
                ++m_p;
                continue;
            }
            const char e = at(m_p + 1);
            switch (e) {
            case 'b':
                value += '\b';
                break;
            case 't':
                value += '\t';
                break;
            case 'n':
                value += '\n';
                break;
            case 'f':
                value += '\f';
                break;
            case 'r':
                value += '\r';
                break;
            case '"':
            case '\'':
            case '\\':
                value += e;
                break;
            case 'u': {
                if (at(m_p + 2) != '{')
                    return error("invalid \\u escape: expected \\u{HEX}", m_p);
                const auto close = m_t.find('}', m_p + 3);
                if (close == std::string_view::npos || close - m_p - 3 < 2 || close - m_p - 3 > 8)
                    return error("invalid \\u{...} escape", m_p);
                std::uint32_t cp = 0;
                for (std::size_t i = m_p + 3; i < close; ++i) {
                    const int h = asciiHexValue(m_t[i]);
                    if (h < 0)
                        return error("invalid \\u{...} escape", m_p);
                    cp = (cp << 4) | static_cast<std::uint32_t>(h);
                }
                if (!querytree::appendUtf8(value, cp))
                    return error("invalid code point in \\u{...}", m_p);
                m_p = close + 1;
                continue;
            }
            default:
                return error("invalid escape sequence in a string", m_p);
            }
            m_p += 2;
        }
        ++m_p;
        return {Kind::String, m_t.substr(begin, m_p - begin), std::move(value), begin, m_p};
    }

    /// ?"raw" and ?'raw' (endgame): no escapes except the quote itself.
    EqlToken rawString(std::size_t quoteAt)
    {
        const std::size_t begin = m_p;
        const char q = m_t[quoteAt];
        std::string value;
        std::size_t p = quoteAt + 1;
        while (true) {
            if (p >= m_t.size() || m_t[p] == '\n')
                return error("unterminated raw string", begin);
            if (m_t[p] == '\\' && at(p + 1) == q) {
                value += q;
                p += 2;
                continue;
            }
            if (m_t[p] == q)
                break;
            value += m_t[p++];
        }
        m_p = p + 1;
        return {Kind::String, m_t.substr(begin, m_p - begin), std::move(value), begin, m_p};
    }

    std::string_view m_t;
    std::size_t m_p = 0;
    bool m_error = false;
    const char* m_errorMessage = "";
    std::size_t m_errorAt = 0;
};

} // namespace

std::vector<EqlToken> lexEql(std::string_view text)
{
    return EqlLexer(text).run();
}

} // namespace sigma
