// The comparable form of a predicate (conversion/readbackterm.h).
#include "conversion/readbackterm.h"

#include <algorithm>
#include <set>

namespace sigma::conversion::readback {

Term leaf(std::string field, std::string op, std::string value, bool cased)
{
    Term t;
    t.field = std::move(field);
    t.op = std::move(op);
    t.value = std::move(value);
    t.cased = cased;
    return t;
}

Term group(Term::Kind kind, std::vector<Term> children)
{
    Term t;
    t.kind = kind;
    t.children = std::move(children);
    return t;
}

Term negate(Term t)
{
    std::vector<Term> c;
    c.push_back(std::move(t));
    return group(Term::Kind::Not, std::move(c));
}

namespace {

// --- the comparable form -------------------------------------------------------------------------

/// A comparison of two fields (|fieldref): it needs both `field` and the field named by `value`.
bool isFieldRef(const Term& t)
{
    return t.kind == Term::Kind::Leaf && t.op.rfind("fieldref-", 0) == 0;
}

/// `t` is a test of `field`: its field, or the other field of a |fieldref comparison.
bool mentions(const Term& t, const std::string& field)
{
    return t.field == field || (isFieldRef(t) && t.value == field);
}

/// Negations pushed to the leaves: the term that holds when `t` is true (`positive`) or false.
Term pushNot(const Term& t, bool positive)
{
    switch (t.kind) {
    case Term::Kind::True:
    case Term::Kind::False:
        return group((t.kind == Term::Kind::True) == positive ? Term::Kind::True : Term::Kind::False, {});
    case Term::Kind::Not:
        return pushNot(t.children.front(), !positive);
    case Term::Kind::And:
    case Term::Kind::Or: {
        if (t.twoValued) {
            Term truth = t;
            truth.twoValued = false;
            truth = pushNot(truth, true); // leaves now two-valued
            return positive ? truth : pushNot(truth, false);
        }
        std::vector<Term> c;
        for (const auto& child : t.children)
            c.push_back(pushNot(child, positive));
        return group((t.kind == Term::Kind::And) == positive ? Term::Kind::And : Term::Kind::Or, std::move(c));
    }
    case Term::Kind::Leaf:
        break;
    }
    Term l = t;
    l.threeValued = false;
    if (l.op == "fieldref-eq" && l.value < l.field)
        std::swap(l.field, l.value); // a == b is b == a
    if (positive)
        return l;
    l.negated = !l.negated;
    if (!t.threeValued)
        return l;
    // false (not null): the field (both fields of a fieldref) is present and the test fails
    std::vector<Term> both;
    both.push_back(leaf(t.field, "exists"));
    if (isFieldRef(t))
        both.push_back(leaf(t.value, "exists"));
    both.push_back(std::move(l));
    return group(Term::Kind::And, std::move(both));
}

bool isExists(const Term& t, bool negated)
{
    return t.kind == Term::Kind::Leaf && t.op == "exists" && t.negated == negated;
}

/// `t` holds only when `field` is present.
bool needsField(const Term& t, const std::string& field)
{
    if (t.kind == Term::Kind::Leaf)
        return !t.negated && mentions(t, field) && t.op != "opaque" && t.op.rfind("regex-", 0) != 0;
    if (t.kind == Term::Kind::And)
        return std::any_of(t.children.begin(), t.children.end(), [&](const Term& c) { return needsField(c, field); });
    if (t.kind == Term::Kind::Or)
        return !t.children.empty() &&
               std::all_of(t.children.begin(), t.children.end(), [&](const Term& c) { return needsField(c, field); });
    return false;
}

/// `t` holds whenever `field` is missing.
bool holdsWhenMissing(const Term& t, const std::string& field)
{
    if (t.kind == Term::Kind::Leaf)
        return t.negated && mentions(t, field) && t.op != "opaque";
    if (t.kind == Term::Kind::Or)
        return std::any_of(t.children.begin(), t.children.end(),
                           [&](const Term& c) { return holdsWhenMissing(c, field); });
    if (t.kind == Term::Kind::And)
        return !t.children.empty() && std::all_of(t.children.begin(), t.children.end(),
                                                  [&](const Term& c) { return holdsWhenMissing(c, field); });
    return false;
}

std::string describe(const Term& t);

/// a starts with b AND b starts with a is a == b (how the EQL writer states |fieldref, as EQL
/// refuses `a == b` of two fields); negated in an OR. True if a pair of `flat` was replaced.
bool pairStartsWith(std::vector<Term>& flat, bool isAnd)
{
    const auto candidate = [&](const Term& t) {
        return t.kind == Term::Kind::Leaf && t.op == "fieldref-startswith" && t.negated == !isAnd;
    };
    for (std::size_t i = 0; i < flat.size(); ++i)
        for (std::size_t j = i + 1; j < flat.size(); ++j) {
            const Term& a = flat[i];
            const Term& b = flat[j];
            if (!candidate(a) || !candidate(b) || a.field != b.value || a.value != b.field || a.cased != b.cased)
                continue;
            Term eq = leaf(std::min(a.field, a.value), "fieldref-eq", std::max(a.field, a.value), a.cased);
            eq.negated = a.negated;
            flat.erase(flat.begin() + std::ptrdiff_t(j));
            flat[i] = std::move(eq);
            return true;
        }
    return false;
}

/// Replaces exists(field) by true and missing(field) by false in `t`; true if anything changed.
bool assumePresent(Term& t, const std::string& field)
{
    if (t.kind == Term::Kind::Leaf) {
        if (t.op != "exists" || t.field != field)
            return false;
        t = group(t.negated ? Term::Kind::False : Term::Kind::True, {});
        return true;
    }
    bool changed = false;
    for (auto& c : t.children)
        changed = assumePresent(c, field) || changed;
    return changed;
}

/// Flattens, folds constants, absorbs exists tests, sorts and deduplicates.
Term simplify(Term t)
{
    if (t.kind != Term::Kind::And && t.kind != Term::Kind::Or)
        return t;
    const bool isAnd = t.kind == Term::Kind::And;
    const Term::Kind neutral = isAnd ? Term::Kind::True : Term::Kind::False;
    std::vector<Term> flat;
    for (auto& c : t.children) {
        Term s = simplify(std::move(c));
        if (s.kind == neutral)
            continue;
        if (s.kind == (isAnd ? Term::Kind::False : Term::Kind::True))
            return s;
        if (s.kind == t.kind)
            for (auto& g : s.children)
                flat.push_back(std::move(g));
        else
            flat.push_back(std::move(s));
    }
    // a OR y = a OR y[a := false], a AND y = a AND y[a := true], for a = missing(f) in an OR and
    // a = exists(f) in an AND: first, as it leaves more to absorb below
    for (std::size_t i = 0; i < flat.size(); ++i) {
        if (!isExists(flat[i], !isAnd))
            continue;
        bool changed = false;
        for (std::size_t j = 0; j < flat.size(); ++j)
            if (j != i)
                changed = assumePresent(flat[j], flat[i].field) || changed;
        if (changed)
            return simplify(group(t.kind, std::move(flat)));
    }
    // the same for a test that needs its field(s) in an AND: a AND y = a AND y[exists(f) := true]
    if (isAnd)
        for (std::size_t i = 0; i < flat.size(); ++i) {
            const Term& a = flat[i];
            if (a.kind != Term::Kind::Leaf || a.op == "exists" || !needsField(a, a.field))
                continue;
            std::vector<std::string> fields{a.field};
            if (isFieldRef(a))
                fields.push_back(a.value);
            bool changed = false;
            for (const auto& field : fields)
                for (std::size_t j = 0; j < flat.size(); ++j)
                    if (j != i && !isExists(flat[j], false))
                        changed = assumePresent(flat[j], field) || changed;
            if (changed)
                return simplify(group(t.kind, std::move(flat)));
        }
    if (pairStartsWith(flat, isAnd))
        return simplify(group(t.kind, std::move(flat)));
    // AND: exists(f) beside a test needing f; OR: missing(f) beside a test that holds when f is missing
    for (std::size_t i = 0; i < flat.size(); ++i) {
        if (!isExists(flat[i], !isAnd))
            continue;
        const std::string field = flat[i].field;
        bool absorbed = false;
        for (std::size_t j = 0; j < flat.size() && !absorbed; ++j)
            absorbed = j != i && (isAnd ? needsField(flat[j], field) : holdsWhenMissing(flat[j], field));
        if (absorbed) {
            flat.erase(flat.begin() + std::ptrdiff_t(i));
            return simplify(group(t.kind, std::move(flat)));
        }
    }
    std::vector<std::pair<std::string, Term>> keyed;
    std::set<std::string> seen;
    for (auto& c : flat) {
        std::string k = describe(c);
        if (seen.insert(k).second)
            keyed.emplace_back(std::move(k), std::move(c));
    }
    std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    if (keyed.empty())
        return group(neutral, {});
    if (keyed.size() == 1)
        return std::move(keyed.front().second);
    std::vector<Term> sorted;
    for (auto& [k, c] : keyed)
        sorted.push_back(std::move(c));
    return group(t.kind, std::move(sorted));
}

std::string describe(const Term& t)
{
    switch (t.kind) {
    case Term::Kind::True:
        return "true";
    case Term::Kind::False:
        return "false";
    case Term::Kind::Leaf:
        return t.negated ? "(not " + t.key() + ")" : t.key();
    case Term::Kind::Not:
        return "(not " + describe(t.children.front()) + ")";
    case Term::Kind::And:
    case Term::Kind::Or:
        break;
    }
    std::string out = t.kind == Term::Kind::And ? "(and" : "(or";
    for (const auto& c : t.children)
        out += " " + describe(c);
    return out + ")";
}

} // namespace

std::string normalForm(const Term& t)
{
    return describe(simplify(pushNot(t, true)));
}

} // namespace sigma::conversion::readback
