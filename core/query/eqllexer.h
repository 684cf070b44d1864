#pragma once

// Internal: the EQL lexer (query/eql.cpp). Field paths (`process.parent.name`, `a.b[0]`,
// `` `odd name`.x ``) come out as one Name token; `~` after a name belongs to it (`in~`,
// `startsWith~`); comments and whitespace are skipped.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

struct EqlToken {
    enum class Kind {
        Name,          ///< identifier, keyword or field path; value: the path with `escapes` removed
        EscapedName,   ///< a field path starting with a `backquoted` part
        OptionalField, ///< ?path; value: the path
        String,        ///< value: the unescaped text
        Number,
        Equals,    ///< ==
        NotEquals, ///< !=
        Assign,    ///< =
        Colon,     ///< :
        Less,
        LessEq,
        Greater,
        GreaterEq,
        Plus,
        Minus,
        Star,
        Slash,
        Percent,
        Comma,
        Pipe,
        LParen,
        RParen,
        LBracket,
        RBracket,
        MissingOpen, ///< ![
        End,
        Error, ///< text: the message
    };
    Kind kind = Kind::End;
    std::string_view text; ///< as written (Error: the message)
    std::string value;
    std::size_t begin = 0, end = 0;
};

/// The tokens of `text`, ending with End, or with an Error token where the text cannot be read.
std::vector<EqlToken> lexEql(std::string_view text);

} // namespace sigma
