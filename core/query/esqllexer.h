#pragma once

// Internal: the ES|QL lexer (query/esql.cpp). Dotted and `quoted` names come out as one Name token;
// "..." strings are unescaped, """...""" strings are raw; // and /* */ comments are skipped.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

struct EsqlToken {
    enum class Kind {
        Name,
        String,
        Number,
        Op,
        LParen,
        RParen,
        LBracket,
        RBracket,
        LBrace,
        RBrace,
        Comma,
        Pipe,
        Dot,
        Param,
        End,
        Error
    };
    Kind kind = Kind::End;
    std::string_view text;
    std::string value; ///< Name: the path without backquotes; String: unescaped
    std::size_t begin = 0, end = 0;
};

/// The tokens of `text`, ending with End, or with an Error token (text: the message) where the
/// text cannot be read.
std::vector<EsqlToken> lexEsql(std::string_view text);

} // namespace sigma
