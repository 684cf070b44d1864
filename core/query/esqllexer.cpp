#include "query/esqllexer.h"

#include "query/treebuild.h"

namespace sigma {

namespace {

using Token = EsqlToken;
using TK = EsqlToken::Kind;

bool identStart(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '@';
}

} // namespace

std::vector<EsqlToken> lexEsql(std::string_view t)
{
    std::vector<Token> out;
    std::size_t p = 0;
    auto at = [&](std::size_t i) { return i < t.size() ? t[i] : '\0'; };
    auto error = [&](const char* message, std::size_t where) {
        out.push_back({TK::Error, message, {}, where, std::min(where + 1, t.size())});
        return out;
    };
    while (true) {
        if (!querytree::skipBlanksAndComments(t, p))
            return error("unterminated comment", p);
        if (p >= t.size()) {
            out.push_back({TK::End, {}, {}, p, p});
            return out;
        }
        const std::size_t b = p;
        const char c = t[p];
        auto push = [&](TK kind, std::size_t len, std::string value = {}) {
            out.push_back({kind, t.substr(b, len), std::move(value), b, b + len});
            p = b + len;
        };
        if (c == '"') {
            if (t.substr(p, 3) == "\"\"\"") {
                const auto close = t.find("\"\"\"", p + 3);
                if (close == std::string_view::npos)
                    return error("unterminated \"\"\" string", p);
                std::size_t end = close + 3;
                while (at(end) == '"')
                    ++end;
                push(TK::String, end - b, std::string(t.substr(b + 3, end - 3 - b - 3)));
                continue;
            }
            std::string v;
            std::size_t q = p + 1;
            while (true) {
                if (q >= t.size())
                    return error("unterminated string", b);
                if (t[q] == '"')
                    break;
                if (t[q] == '\\' && q + 1 < t.size()) {
                    const char e = t[q + 1];
                    v += e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : e;
                    if (e != 't' && e != 'n' && e != 'r' && e != '"' && e != '\\')
                        v.insert(v.size() - 1, 1, '\\'); // unknown escapes stay as written
                    q += 2;
                    continue;
                }
                v += t[q++];
            }
            push(TK::String, q + 1 - b, std::move(v));
            continue;
        }
        if (c == '`' || identStart(c)) {
            std::string v;
            std::size_t q = p;
            while (true) {
                if (at(q) == '`') {
                    std::size_t r = q + 1;
                    while (true) {
                        if (r >= t.size())
                            return error("unterminated `quoted` name", q);
                        if (t[r] == '`' && at(r + 1) == '`') {
                            v += '`';
                            r += 2;
                            continue;
                        }
                        if (t[r] == '`')
                            break;
                        v += t[r++];
                    }
                    q = r + 1;
                } else {
                    const std::size_t s = q;
                    while (querytree::isWordChar(at(q)) || at(q) == '@')
                        ++q;
                    v.append(t.substr(s, q - s));
                }
                if (at(q) == '.' &&
                    (identStart(at(q + 1)) || at(q + 1) == '`' || (at(q + 1) >= '0' && at(q + 1) <= '9'))) {
                    v += '.';
                    ++q;
                    continue;
                }
                break;
            }
            push(TK::Name, q - b, std::move(v));
            continue;
        }
        if (c >= '0' && c <= '9') {
            std::size_t q = p;
            while ((at(q) >= '0' && at(q) <= '9') || (at(q) == '.' && at(q + 1) >= '0' && at(q + 1) <= '9'))
                ++q;
            if ((at(q) == 'e' || at(q) == 'E') &&
                (at(q + 1) == '-' || at(q + 1) == '+' || (at(q + 1) >= '0' && at(q + 1) <= '9'))) {
                q += 2;
                while (at(q) >= '0' && at(q) <= '9')
                    ++q;
            }
            push(TK::Number, q - b, std::string(t.substr(b, q - b)));
            continue;
        }
        const char n = at(p + 1);
        switch (c) {
        case '=':
        case '!':
        case '<':
        case '>':
            if (n == '=') {
                push(TK::Op, 2);
            } else if (c == '!') {
                return error("unexpected '!'", p);
            } else {
                push(TK::Op, 1);
            }
            continue;
        case ':':
            push(TK::Op, n == ':' ? 2 : 1);
            continue;
        case '+':
        case '-':
        case '*':
        case '/':
        case '%':
            push(TK::Op, 1);
            continue;
        case '(':
            push(TK::LParen, 1);
            continue;
        case ')':
            push(TK::RParen, 1);
            continue;
        case '[':
            push(TK::LBracket, 1);
            continue;
        case ']':
            push(TK::RBracket, 1);
            continue;
        case '{':
            push(TK::LBrace, 1);
            continue;
        case '}':
            push(TK::RBrace, 1);
            continue;
        case ',':
            push(TK::Comma, 1);
            continue;
        case '|':
            push(TK::Pipe, 1);
            continue;
        case '.':
            push(TK::Dot, 1);
            continue;
        case '?': {
            std::size_t q = p + 1;
            while (querytree::isWordChar(at(q)))
                ++q;
            push(TK::Param, q - b);
            continue;
        }
        default:
            return error("unexpected character", p);
        }
    }
}

} // namespace sigma
