#include "query/splexpand.h"

#include "query/querysource.h"

#include <algorithm>

namespace sigma {

namespace {

constexpr int maxDepth = 32;

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

/// Splits `name(a, "b,c", d)` into the name and its arguments (commas inside quotes and
/// parentheses do not split).
bool splitCall(std::string_view body, std::string& name, std::vector<std::string>& args)
{
    body = trimmed(body);
    const auto open = body.find('(');
    if (open == std::string_view::npos) {
        name = std::string(body);
        return !name.empty();
    }
    if (body.back() != ')')
        return false;
    name = std::string(trimmed(body.substr(0, open)));
    std::string_view inner = body.substr(open + 1, body.size() - open - 2);
    int depth = 0;
    bool quoted = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= inner.size(); ++i) {
        const char c = i < inner.size() ? inner[i] : ',';
        if (quoted) {
            if (c == '\\' && i + 1 < inner.size())
                ++i;
            else if (c == '"')
                quoted = false;
            continue;
        }
        if (c == '"')
            quoted = true;
        else if (c == '(')
            ++depth;
        else if (c == ')')
            --depth;
        else if (c == ',' && depth == 0) {
            args.emplace_back(trimmed(inner.substr(start, i - start)));
            start = i + 1;
        }
    }
    if (args.size() == 1 && args[0].empty())
        args.clear();
    return !name.empty();
}

std::string substitute(const SplMacros::Macro& m, const std::vector<std::string>& args)
{
    std::string out = m.definition;
    for (std::size_t i = 0; i < m.arguments.size() && i < args.size(); ++i) {
        const std::string token = '$' + m.arguments[i] + '$';
        for (std::size_t at = out.find(token); at != std::string::npos; at = out.find(token, at + args[i].size())) {
            out.replace(at, token.size(), args[i]);
        }
    }
    return out;
}

class Expander {
public:
    Expander(const SplMacros* macros, SplExpanded& out)
        : m_macros(macros)
        , m_out(out)
    {}

    /// Appends `text` expanded. At depth 0 the text is the query (byte i stands for itself);
    /// deeper, every byte stands for the call [callFrom, callTo).
    void run(std::string_view text, int depth, std::uint32_t callFrom, std::uint32_t callTo)
    {
        auto emit = [&](std::size_t i) {
            m_out.text += text[i];
            m_out.from.push_back(depth ? callFrom : static_cast<std::uint32_t>(i));
            m_out.to.push_back(depth ? callTo : static_cast<std::uint32_t>(i + 1));
        };
        auto err = [&](const std::string& message, std::size_t b, std::size_t e) {
            throw QuerySyntaxError{message, depth ? callFrom : b, depth ? callTo : e};
        };
        std::size_t i = 0;
        while (i < text.size()) {
            const char c = text[i];
            if (c == '"') {
                emit(i++);
                while (i < text.size() && text[i] != '"') {
                    if (text[i] == '\\' && i + 1 < text.size())
                        emit(i++);
                    emit(i++);
                }
                if (i < text.size())
                    emit(i++);
                continue;
            }
            if (text.substr(i, 3) == "```") {
                const std::size_t start = i;
                const auto close = text.find("```", i + 3);
                i = close == std::string_view::npos ? text.size() : close + 3;
                m_out.text += ' '; // the comment separates what is around it, like a space
                m_out.from.push_back(depth ? callFrom : static_cast<std::uint32_t>(start));
                m_out.to.push_back(depth ? callTo : static_cast<std::uint32_t>(start + 1));
                continue;
            }
            if (c != '`') {
                emit(i++);
                continue;
            }
            const auto close = text.find('`', i + 1);
            if (close == std::string_view::npos)
                err("unterminated macro call (no closing backtick)", i, i + 1);
            const std::uint32_t from = depth ? callFrom : static_cast<std::uint32_t>(i);
            const std::uint32_t to = depth ? callTo : static_cast<std::uint32_t>(close + 1);
            std::string name;
            std::vector<std::string> args;
            if (!splitCall(text.substr(i + 1, close - i - 1), name, args))
                err("cannot read the macro call '" + std::string(text.substr(i, close + 1 - i)) + "'", i, close + 1);
            const SplMacros::Macro* m = m_macros ? m_macros->find(name, args.size()) : nullptr;
            if (!m) {
                if (!name.ends_with("_filter"))
                    m_out.missing.push_back(
                        {name + (args.empty() ? "" : "(" + std::to_string(args.size()) + ")"), {from, to}});
            } else {
                if (depth >= maxDepth || std::find(m_stack.begin(), m_stack.end(), name) != m_stack.end())
                    throw QuerySyntaxError{"the macro '" + name + "' expands itself", from, to};
                m_stack.push_back(name);
                const std::string body = substitute(*m, args);
                // the expansion is separated from its neighbours as the call was
                run(body, depth + 1, from, to);
                m_stack.pop_back();
            }
            i = close + 1;
        }
    }

private:
    const SplMacros* m_macros;
    SplExpanded& m_out;
    std::vector<std::string> m_stack;
};

} // namespace

SplExpanded expandSplMacros(std::string_view query, const SplMacros* macros)
{
    SplExpanded out;
    out.text.reserve(query.size() + 64);
    Expander(macros, out).run(query, 0, 0, 0);
    return out;
}

} // namespace sigma
