// The string family: plain/contains/startswith/endswith values, null, exists and fieldref.
#include "engine/rulenames.h"
#include "engine/valuematchers.h"

namespace sigma::engine {

std::string quoted(std::string_view s)
{
    std::string out = "'";
    out += s;
    out += "'";
    return out;
}

namespace {

// --- null: the field is absent or empty ------------------------------------------------------------

class NullMatcher : public ValueMatcher {
public:
    Outcome test(EvalContext& ctx, std::size_t index, std::string*) const override
    {
        return ctx.raw(index).empty() ? Outcome::Matched : Outcome::NotMatched;
    }
    Outcome testAbsent() const override { return Outcome::Matched; }
    std::string describe() const override { return "null: the field is absent or empty"; }
};

// --- exists ----------------------------------------------------------------------------------------

class ExistsMatcher : public ValueMatcher {
public:
    explicit ExistsMatcher(bool expected)
        : m_expected(expected)
    {}
    Outcome test(EvalContext&, std::size_t, std::string*) const override
    {
        return m_expected ? Outcome::Matched : Outcome::NotMatched;
    }
    Outcome testAbsent() const override { return m_expected ? Outcome::FieldAbsent : Outcome::Matched; }
    std::string describe() const override { return m_expected ? "the field exists" : "the field does not exist"; }

private:
    bool m_expected;
};

// --- fieldref --------------------------------------------------------------------------------------

class FieldRefMatcher : public ValueMatcher {
public:
    using Anchor = FieldRefAnchor;
    FieldRefMatcher(std::string other, Anchor anchor, bool fold, bool negate)
        : m_other(std::move(other))
        , m_key(ruleFieldKey(m_other))
        , m_anchor(anchor)
        , m_fold(fold)
        , m_negate(negate)
    {}
    Outcome test(EvalContext& ctx, std::size_t index, std::string*) const override
    {
        const auto& fields = ctx.event().fields;
        std::size_t other = fields.size();
        for (std::size_t i = 0; i < fields.size(); ++i)
            if (fields[i].key == m_key) {
                other = i;
                break;
            }
        if (other == fields.size())
            return Outcome::NotMatched;
        const std::string_view a = m_fold ? ctx.folded(index) : ctx.raw(index);
        const std::string_view b = m_fold ? ctx.folded(other) : ctx.raw(other);
        bool hit = false;
        switch (m_anchor) {
        case Anchor::Whole:
            hit = a == b;
            break;
        case Anchor::Contains:
            hit = a.find(b) != std::string_view::npos;
            break;
        case Anchor::Start:
            hit = a.substr(0, b.size()) == b;
            break;
        case Anchor::End:
            hit = a.size() >= b.size() && a.substr(a.size() - b.size()) == b;
            break;
        }
        return hit != m_negate ? Outcome::Matched : Outcome::NotMatched;
    }
    std::string describe() const override
    {
        static const char* how[] = {"equals", "contains", "starts with", "ends with"};
        return std::string(m_negate ? "not: " : "") + how[static_cast<int>(m_anchor)] + " the value of field " +
               m_other;
    }

private:
    std::string m_other;
    FieldNames::Id m_key;
    Anchor m_anchor;
    bool m_fold;
    bool m_negate;
};

} // namespace

std::unique_ptr<ValueMatcher> makeNullMatcher()
{
    return std::make_unique<NullMatcher>();
}

std::unique_ptr<ValueMatcher> makeExistsMatcher(bool expected)
{
    return std::make_unique<ExistsMatcher>(expected);
}

std::unique_ptr<ValueMatcher> makeFieldRefMatcher(std::string other, FieldRefAnchor anchor, bool fold, bool negate)
{
    return std::make_unique<FieldRefMatcher>(std::move(other), anchor, fold, negate);
}

} // namespace sigma::engine
