// What the backends share (conversion/backend.h): the infix writer, string quoting, the entry
// points convert() / convertLowered() and the target names.
#include "conversion/backend.h"

#include "engine/casefold.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace sigma::conversion {

namespace {
constexpr Target kTargets[] = {Target::Splunk, Target::Esql,  Target::Eql,
                               Target::Lucene, Target::Kusto, Target::Sqlite};
}

const char* targetName(Target target)
{
    switch (target) {
    case Target::Splunk:
        return "splunk";
    case Target::Esql:
        return "esql";
    case Target::Eql:
        return "eql";
    case Target::Lucene:
        return "lucene";
    case Target::Kusto:
        return "kusto";
    case Target::Sqlite:
        return "sqlite";
    }
    return "?";
}

std::optional<Target> parseTarget(std::string_view name)
{
    const std::string n = detail::asciiLower(name);
    for (Target t : kTargets)
        if (n == targetName(t))
            return t;
    if (n == "spl")
        return Target::Splunk;
    if (n == "es|ql")
        return Target::Esql;
    if (n == "kql" || n == "sentinel")
        return Target::Kusto;
    if (n == "sql")
        return Target::Sqlite;
    return std::nullopt;
}

std::span<const Target> allTargets()
{
    return kTargets;
}

ConversionResult convertLowered(const Node& root, Target target, const ConversionOptions& options,
                                const std::string& file)
{
    ConversionResult r;
    r.target = target;
    detail::Output out{r, options, file};
    switch (target) {
    case Target::Splunk:
        detail::writeSplunk(root, out);
        break;
    case Target::Esql:
        detail::writeEsql(root, out);
        break;
    case Target::Eql:
        detail::writeEql(root, out);
        break;
    case Target::Lucene:
        detail::writeLucene(root, out);
        break;
    case Target::Kusto:
        detail::writeKusto(root, out);
        break;
    case Target::Sqlite:
        detail::writeSqlite(root, out);
        break;
    }
    if (out.failed()) {
        r.query.clear();
        r.fragments.clear();
    }
    return r;
}

ConversionResult convert(const Rule& rule, Target target, const ConversionOptions& options, const std::string& file)
{
    LoweringResult lowered = lower(rule, options, file);
    ConversionResult r;
    if (lowered.root)
        r = convertLowered(*lowered.root, target, options, file);
    r.target = target;
    Diagnostics all = std::move(lowered.diagnostics);
    all.insert(all.end(), r.diagnostics.begin(), r.diagnostics.end());
    r.diagnostics = std::move(all);
    if (hasErrors(r.diagnostics)) {
        r.query.clear();
        r.fragments.clear();
    }
    return r;
}

namespace detail {

void Output::unsupported(const SourceSpan& span, const std::string& message)
{
    // One message per place is enough (a value list would repeat it for each value).
    for (const auto& d : result.diagnostics)
        if (d.span == span && d.message == message)
            return;
    result.diagnostics.push_back(Diagnostic{Severity::Error, "conversion-unsupported",
                                            std::string(targetName(result.target)) + ": " + message, file, span});
}

void ExprWriter::writeNot(const Node& child)
{
    put("NOT ");
    operand(child);
}

const Predicate* ExprWriter::missingField(const Node& notChild)
{
    return notChild.kind == Node::Kind::Predicate && notChild.predicate.kind == Predicate::Kind::Exists
               ? &notChild.predicate
               : nullptr;
}

bool ExprWriter::writeList(const std::vector<const Node*>&)
{
    return false;
}

void ExprWriter::operand(const Node& node)
{
    writeNode(node, 3);
}

void ExprWriter::writeNode(const Node& node, int parent)
{
    // Precedence: Or 1, And 2, unary operand 3.
    switch (node.kind) {
    case Node::Kind::Constant:
        writeConstant(node);
        return;
    case Node::Kind::Predicate: {
        const std::size_t begin = m_out.text().size();
        writePredicate(node);
        m_out.result.fragments.push_back({begin, m_out.text().size(), node.span});
        return;
    }
    case Node::Kind::Not: {
        const std::size_t begin = m_out.text().size();
        ++m_negations;
        m_notParent = parent;
        writeNot(node.children.front());
        --m_negations;
        if (missingField(node.children.front())) // written without writePredicate
            m_out.result.fragments.push_back({begin, m_out.text().size(), node.children.front().span});
    }
        return;
    case Node::Kind::And:
    case Node::Kind::Or:
        break;
    }
    const bool isAnd = node.kind == Node::Kind::And;
    const int mine = isAnd ? 2 : 1;
    if (!isAnd && node.children.size() > 1) {
        // The whole Or is one list: no parentheses needed around it.
        std::vector<const Node*> same;
        for (const auto& c : node.children)
            if (c.kind == Node::Kind::Predicate && c.predicate.kind == Predicate::Kind::String &&
                c.predicate.field == node.children.front().predicate.field &&
                c.predicate.cased == node.children.front().predicate.cased)
                same.push_back(&c);
        const std::size_t begin = m_out.text().size();
        if (same.size() == node.children.size() && writeList(same)) {
            for (const Node* n : same)
                m_out.result.fragments.push_back({begin, m_out.text().size(), n->span});
            return;
        }
    }
    const bool parens = parent > mine || (m_parenAndInOr && isAnd && parent == 1);
    if (m_maxOperands > 0 && node.children.size() > m_maxOperands) {
        // Too many operands for the target's parser (SQLite's expression depth): two halves, each
        // in parentheses, so the depth grows with the logarithm of the count.
        const auto mid = node.children.begin() + static_cast<std::ptrdiff_t>(node.children.size() / 2);
        Node left = node, right = node;
        left.children.assign(node.children.begin(), mid);
        right.children.assign(mid, node.children.end());
        if (parens)
            put("(");
        put("(");
        writeNode(left, 0);
        put(")");
        put(isAnd ? andWord() : orWord());
        put("(");
        writeNode(right, 0);
        put(")");
        if (parens)
            put(")");
        return;
    }
    if (parens)
        put("(");
    // Or: String predicates on one field go together as one list where the target has lists.
    std::vector<bool> done(node.children.size(), false);
    bool first = true;
    for (std::size_t i = 0; i < node.children.size(); ++i) {
        if (done[i])
            continue;
        const Node& c = node.children[i];
        if (!isAnd && c.kind == Node::Kind::Predicate && c.predicate.kind == Predicate::Kind::String) {
            std::vector<const Node*> same{&c};
            std::vector<std::size_t> at{i};
            for (std::size_t j = i + 1; j < node.children.size(); ++j) {
                const Node& d = node.children[j];
                if (!done[j] && d.kind == Node::Kind::Predicate && d.predicate.kind == Predicate::Kind::String &&
                    d.predicate.field == c.predicate.field && d.predicate.cased == c.predicate.cased) {
                    same.push_back(&d);
                    at.push_back(j);
                }
            }
            if (same.size() > 1) {
                const std::size_t saved = m_out.text().size();
                if (!first)
                    put(orWord());
                const std::size_t begin = m_out.text().size();
                if (writeList(same)) {
                    for (std::size_t k : at)
                        done[k] = true;
                    for (const Node* n : same)
                        m_out.result.fragments.push_back({begin, m_out.text().size(), n->span});
                    first = false;
                    continue;
                }
                m_out.text().resize(saved);
            }
        }
        if (!first)
            put(isAnd ? andWord() : orWord());
        writeNode(c, mine);
        first = false;
        done[i] = true;
    }
    if (parens)
        put(")");
}

std::string foldedText(std::string_view s)
{
    return engine::folded(s);
}

std::string asciiLower(std::string_view s)
{
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c + 32);
    return out;
}

bool hasLetters(std::string_view s)
{
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            return true;
    }
    return false;
}

bool caseless(const engine::SigmaString& pattern)
{
    for (const auto& p : pattern.parts)
        if (hasLetters(p.text))
            return false;
    return true;
}

std::string cQuoted(std::string_view s, ControlChars control)
{
    std::string out = "\"";
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\\' || c == '"') {
            out += '\\';
            out += ch;
        } else if (control == ControlChars::Verbatim) {
            out += ch;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 && control != ControlChars::Raw) {
            char buf[12];
            std::snprintf(buf, sizeof buf, control == ControlChars::EqlBrace ? "\\u{%02x}" : "\\u%04x", c);
            out += buf;
        } else {
            out += ch;
        }
    }
    out += '"';
    return out;
}

std::string quoteDoubled(std::string_view s, char quote)
{
    std::string out(1, quote);
    for (const char c : s) {
        if (c == quote)
            out += quote;
        out += c;
    }
    return out + quote;
}

std::string quoteBackslashed(std::string_view s, std::string_view open, std::string_view close, char quote)
{
    std::string out(open);
    for (const char c : s) {
        if (c == quote || c == '\\')
            out += '\\';
        out += c;
    }
    return out.append(close);
}

namespace {
/// One part of a dotted name, unquoted in both ES|QL (UNQUOTED_IDENTIFIER: `@` and `_` only first,
/// and then not alone) and EQL.
bool plainIdentifier(std::string_view part)
{
    if (part.empty())
        return false;
    const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    const auto body = [&letter](char c) { return letter(c) || (c >= '0' && c <= '9') || c == '_'; };
    if (!letter(part[0]) && !((part[0] == '_' || part[0] == '@') && part.size() > 1))
        return false;
    return std::all_of(part.begin() + 1, part.end(), body);
}

/// Words of EQL or ES|QL that cannot name a field unquoted (compared case-insensitively).
bool keyword(std::string_view name)
{
    static constexpr std::string_view words[] = {
        "and",   "any",   "as",   "asc",     "by",       "desc", "false", "first", "from", "in", "is",
        "join",  "last",  "like", "maxspan", "metadata", "not",  "null",  "nulls", "of",   "on", "or",
        "regex", "rlike", "runs", "sample",  "sequence", "true", "until", "where", "with"};
    return std::any_of(std::begin(words), std::end(words),
                       [lower = asciiLower(name)](std::string_view w) { return lower == w; });
}
} // namespace

std::string backquotedField(const std::string& f)
{
    bool plain = !f.empty() && !keyword(f);
    std::size_t begin = 0;
    while (plain) {
        const std::size_t dot = f.find('.', begin);
        plain = plainIdentifier(std::string_view(f).substr(begin, dot == std::string::npos ? dot : dot - begin));
        if (dot == std::string::npos)
            break;
        begin = dot + 1;
    }
    return plain ? f : quoteDoubled(f, '`');
}

std::string wildcardPattern(const engine::SigmaString& pattern, std::string_view star, std::string_view question,
                            const std::function<void(std::string_view text, std::string& out)>& literal)
{
    using Kind = engine::SigmaString::Part::Kind;
    std::string out;
    for (const auto& p : pattern.parts) {
        if (p.kind == Kind::Star)
            out += star;
        else if (p.kind == Kind::Question)
            out += question;
        else
            literal(p.text, out);
    }
    return out;
}

std::string fieldRefText(const Predicate& p, const std::string& f, const std::string& g, std::string_view lower,
                         const FieldRefForms& forms)
{
    const auto lowered = [&](const std::string& x) { return p.cased ? x : std::string(lower) + "(" + x + ")"; };
    std::string_view form;
    switch (p.anchor) {
    case Predicate::Anchor::Whole:
        form = forms.whole;
        break;
    case Predicate::Anchor::Start:
        form = forms.start;
        break;
    case Predicate::Anchor::End:
        form = forms.end;
        break;
    case Predicate::Anchor::Contains:
        form = forms.contains;
        break;
    }
    std::string out;
    for (std::size_t i = 0; i < form.size(); ++i) {
        if (form[i] == '{' && i + 2 < form.size() && form[i + 2] == '}' &&
            std::string_view("abfg").find(form[i + 1]) != std::string_view::npos) {
            const char k = form[i + 1];
            out += k == 'a' ? lowered(f) : k == 'b' ? lowered(g) : k == 'f' ? f : g;
            i += 2;
        } else {
            out += form[i];
        }
    }
    return out;
}

} // namespace detail

} // namespace sigma::conversion
