#pragma once

// Internal to core/conversion: the terms of the comparable form that readback.cpp builds from a
// rule's lowered tree and from a query read back, and the form itself (readbackform.cpp): negations
// pushed down, exists tests absorbed, AND/OR flattened, sorted and deduplicated (readback.h).

#include "conversion/backend.h"

#include <string>
#include <vector>

namespace sigma::conversion::readback {

/// A term of the comparable form. Leaves carry their text (`key`); `threeValued`: the leaf is null
/// (neither true nor false) when its field is missing.
struct Term {
    enum class Kind { And, Or, Not, Leaf, True, False };
    Kind kind = Kind::Leaf;
    std::vector<Term> children;
    std::string field, op, value; ///< Leaf
    bool cased = false;
    bool threeValued = false;
    bool negated = false;   ///< Leaf after negations were pushed down
    bool twoValued = false; ///< And: ES|QL's COALESCE(x, FALSE): true when x is true, else false

    std::string key() const
    {
        std::string k = "(" + (field.empty() ? std::string("_") : field) + " " + op;
        if (!value.empty() || (op != "exists" && op != "opaque"))
            k += " " + detail::cQuoted(value);
        if (cased)
            k += " cased";
        return k + ")";
    }
};

Term leaf(std::string field, std::string op, std::string value = {}, bool cased = false);
Term group(Term::Kind kind, std::vector<Term> children);
Term negate(Term t);

/// The comparable form of `t` as text: equal texts, equal predicates.
std::string normalForm(const Term& t);

} // namespace sigma::conversion::readback
