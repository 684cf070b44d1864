// Suppression of lint diagnostics: sigmawb-ignore comments and x-sigmawb-ignore attributes (see
// lint.h and docs/lint.md).
#include "rule/lint.h"

#include <algorithm>

namespace sigma {
namespace {

std::vector<std::string> splitCodes(std::string_view s)
{
    std::vector<std::string> out;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty())
            out.push_back(cur);
        cur.clear();
    };
    for (char c : s) {
        if (c == ',' || c == ' ' || c == '\t' || c == '[' || c == ']' || c == '"' || c == '\'')
            flush();
        else
            cur += c;
    }
    flush();
    return out;
}

bool codeMatches(const std::vector<std::string>& codes, const std::string& code)
{
    return std::any_of(codes.begin(), codes.end(), [&](const std::string& c) { return c == code || c == "all"; });
}

} // namespace

bool Suppressions::suppressed(const Diagnostic& d) const
{
    if (codeMatches(fileWide, d.code))
        return true;
    const int line = d.span.begin.line;
    for (const auto& [l, code] : byLine)
        if (l == line && (code == d.code || code == "all"))
            return true;
    for (const auto& r : documents) {
        // document-less diagnostics (line 0: missing keys) apply to the first document
        const bool inside = line == 0 ? (&r == &documents.front()) : (line >= r.firstLine && line <= r.lastLine);
        if (inside && codeMatches(r.codes, d.code))
            return true;
    }
    return false;
}

Suppressions collectSuppressions(const ParsedFile& file)
{
    Suppressions s;
    const std::string& text = file.text;
    // comments
    std::vector<std::pair<int, std::vector<std::string>>> pending; // standalone comments awaiting their line
    int line = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        ++line;
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string::npos)
            eol = text.size();
        const std::string_view l(text.data() + pos, eol - pos);
        const auto first = l.find_first_not_of(" \t\r");
        const bool blank = first == std::string_view::npos;
        const bool commentOnly = !blank && l[first] == '#';
        if (!blank && !commentOnly && !pending.empty()) {
            for (auto& [_, codes] : pending)
                for (auto& c : codes)
                    s.byLine.emplace_back(line, c);
            pending.clear();
        }
        const auto marker = l.find("sigmawb-ignore");
        if (marker != std::string_view::npos) {
            // the marker must be inside a comment: a '#' at the line start or after a blank
            const auto hash = l.rfind('#', marker);
            if (hash != std::string_view::npos && (hash == 0 || l[hash - 1] == ' ' || l[hash - 1] == '\t')) {
                std::string_view rest = l.substr(marker + std::string_view("sigmawb-ignore").size());
                const bool fileWide = rest.rfind("-file", 0) == 0;
                if (fileWide)
                    rest.remove_prefix(5);
                if (!rest.empty() && rest.front() == ':') {
                    auto codes = splitCodes(rest.substr(1));
                    if (fileWide)
                        s.fileWide.insert(s.fileWide.end(), codes.begin(), codes.end());
                    else if (commentOnly)
                        pending.emplace_back(line, std::move(codes));
                    else
                        for (auto& c : codes)
                            s.byLine.emplace_back(line, c);
                }
            }
        }
        if (eol == text.size())
            break;
        pos = eol + 1;
    }
    // x-sigmawb-ignore attributes
    for (const auto& doc : file.documents) {
        const std::vector<CustomAttribute>* custom = nullptr;
        if (auto r = doc.rule())
            custom = &r->custom;
        else if (auto c = doc.correlation())
            custom = &c->custom;
        else if (auto f = doc.filter())
            custom = &f->custom;
        if (!custom)
            continue;
        for (const auto& a : *custom)
            if (a.key == "x-sigmawb-ignore")
                s.documents.push_back(
                    {doc.span.begin.line, std::max(doc.span.end.line, doc.span.begin.line), splitCodes(a.yaml)});
    }
    return s;
}

} // namespace sigma
