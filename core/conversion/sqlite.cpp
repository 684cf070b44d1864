// SQL, SQLite dialect: `SELECT * FROM <table> WHERE <expression>`, one row per event and one
// column per field (a missing field is NULL).
//
// Case: LIKE compares ASCII letters case-insensitively (SQLite's default; other letters exactly), so
// every string value is a LIKE pattern: `"Image" LIKE '%\cmd.exe' ESCAPE '\'`, with `*` -> `%`,
// `?` -> `_`, and literal `%`, `_` and `\` escaped by the ESCAPE character `\`. `cased` values use
// GLOB (case-sensitive; `*`, `?`, literal `*` `?` `[` written as `[*]` `[?]` `[[]`). Lists of exact
// values: `lower("f") IN ('a', 'b')` (values ASCII-lowered, as lower() lowers). Strings are
// single-quoted with `'` doubled; identifiers double-quoted with `"` doubled. `|re` uses the REGEXP
// operator, which SQLite leaves to an application function `regexp(pattern, text)` (PCRE, flags
// as a leading `(?ims)`). `|cidr` on IPv4 is written as LIKE prefixes over the dotted address (a
// prefix length that is not a multiple of 8 expands into the octet values it covers); IPv6
// networks call `cidr_match(value, network)`, an application function like regexp(). Numeric
// comparisons read the column as a number: `CAST("f" AS REAL) > 5`. NULL: a test of a missing field is
// NULL, and NOT NULL is NULL, so a NOT is written
// `(x) IS NOT TRUE`.
#include "conversion/backend.h"

#include "util/ipnetwork.h"

namespace sigma::conversion::detail {

namespace {

std::string identifier(const std::string& f)
{
    return quoteDoubled(f, '"');
}

std::string sqlString(std::string_view s)
{
    return quoteDoubled(s, '\'');
}

std::string likePattern(const engine::SigmaString& pattern)
{
    return sqlString(wildcardPattern(pattern, "%", "_", [](std::string_view text, std::string& v) {
        for (const char c : text) {
            if (c == '%' || c == '_' || c == '\\')
                v += '\\';
            v += c;
        }
    }));
}

std::string globPattern(const engine::SigmaString& pattern)
{
    return sqlString(wildcardPattern(pattern, "*", "?", [](std::string_view text, std::string& v) {
        for (const char c : text) {
            if (c == '*' || c == '?' || c == '[')
                v += std::string("[") + c + "]";
            else
                v += c;
        }
    }));
}

/// IPv4 networks as the dotted-text prefixes of their addresses ("10." for /8, "192.168.1." for
/// /24, every third octet of 172.16-31 for /12); empty for IPv6.
std::vector<std::string> ipv4Prefixes(const IpNetwork& n)
{
    if (n.address.v6)
        return {};
    const auto& b = n.address.bytes;
    const int full = n.prefix / 8;
    const int rest = n.prefix % 8;
    std::string head;
    for (int i = 0; i < full; ++i)
        head += std::to_string(b[i]) + ".";
    if (full == 4)
        return {head.substr(0, head.size() - 1)}; // a host: the whole address, exactly
    if (rest == 0)
        return {head};
    std::vector<std::string> out;
    const int count = 1 << (8 - rest);
    for (int k = 0; k < count; ++k)
        out.push_back(head + std::to_string(b[full] + k) + ".");
    return out;
}

class SqliteWriter : public ExprWriter {
public:
    explicit SqliteWriter(Output& out)
        : ExprWriter(out)
    {
        // SQLite refuses expressions deeper than 1000 (SQLITE_MAX_EXPR_DEPTH); a flat OR of n terms
        // is n deep. SigmaHQ's vulnerable-driver rule has thousands of hashes.
        m_maxOperands = 64;
    }

protected:
    void writeConstant(const Node& n) override { put(n.constant ? "1" : "0"); }
    void writeNot(const Node& child) override
    {
        if (const Predicate* p = missingField(child)) {
            put(identifier(p->field) + " IS NULL");
            return;
        }
        put("(");
        writeNode(child, 0);
        put(") IS NOT TRUE");
    }
    void stringTest(const std::string& f, const Predicate& p)
    {
        std::string literal;
        if (patternShape(p.pattern, &literal) == Shape::Exact && (p.cased || !hasLetters(literal)))
            put(f + " = " + sqlString(literal));
        else if (p.cased)
            put(f + " GLOB " + globPattern(p.pattern));
        else
            put(f + " LIKE " + likePattern(p.pattern) + " ESCAPE '\\'");
    }
    void writePredicate(const Node& n) override
    {
        const Predicate& p = n.predicate;
        const std::string f = identifier(p.field);
        switch (p.kind) {
        case Predicate::Kind::String:
            stringTest(f, p);
            return;
        case Predicate::Kind::Keyword:
            if (m_out.options.fullTextField.empty()) {
                m_out.unsupported(n.span, "keywords need a full-text column (ConversionOptions::fullTextField)");
                return;
            }
            stringTest(identifier(m_out.options.fullTextField), p);
            return;
        case Predicate::Kind::Regex:
            put(f + " REGEXP " + sqlString(regexWithFlags(p)));
            return;
        case Predicate::Kind::Cidr: {
            const auto network = parseIpNetwork(p.text);
            const auto prefixes = network ? ipv4Prefixes(*network) : std::vector<std::string>{};
            if (prefixes.empty() || prefixes.size() > 256) {
                // No SQL text test for IPv6 networks: an application function, like regexp().
                put("cidr_match(" + f + ", " + sqlString(p.text) + ")");
                return;
            }
            const bool host = network->prefix == 32;
            std::string s = prefixes.size() > 1 ? "(" : "";
            for (std::size_t i = 0; i < prefixes.size(); ++i) {
                engine::SigmaString pattern = engine::SigmaString::literal(prefixes[i]);
                if (!host)
                    pattern.appendStar();
                s += (i ? " OR " : "") + f + " LIKE " + likePattern(pattern) + " ESCAPE '\\'";
            }
            put(s + (prefixes.size() > 1 ? ")" : ""));
            return;
        }
        case Predicate::Kind::Exists:
            put(f + " IS NOT NULL");
            return;
        case Predicate::Kind::Null:
            put("(" + f + " IS NULL OR " + f + " = '')");
            return;
        case Predicate::Kind::Compare: {
            static const char* ops[] = {"=", "<>", ">", ">=", "<", "<="};
            put("CAST(" + f + " AS REAL) " + ops[static_cast<int>(p.op)] + " " + p.text);
            return;
        }
        case Predicate::Kind::FieldRef:
            put(fieldRefText(p, f, identifier(p.text), "lower",
                             {.whole = "{a} = {b}",
                              .start = "substr({a}, 1, length({g})) = {b}",
                              .end = "({a} IS NOT NULL AND (length({g}) = 0 OR substr({a}, -length({g})) = {b}))",
                              .contains = "instr({a}, {b}) > 0"}));
            return;
        }
    }
    bool writeList(const std::vector<const Node*>& nodes) override
    {
        std::string list;
        bool letters = false;
        for (const Node* n : nodes) {
            std::string literal;
            if (patternShape(n->predicate.pattern, &literal) != Shape::Exact)
                return false;
            letters = letters || hasLetters(literal);
            if (letters && n->predicate.cased)
                return false;
            list += (list.empty() ? "" : ", ") + sqlString(asciiLower(literal));
        }
        const std::string f = identifier(nodes.front()->predicate.field);
        put((letters ? "lower(" + f + ")" : f) + " IN (" + list + ")");
        return true;
    }
};

} // namespace

void writeSqlite(const Node& root, Output& out)
{
    out.text() += "SELECT * FROM " + identifier(out.options.sqlTable) + " WHERE ";
    SqliteWriter w(out);
    w.write(root);
}

} // namespace sigma::conversion::detail
