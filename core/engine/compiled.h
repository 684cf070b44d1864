#pragma once

// Internal: the compiled matcher tree behind CompiledRule / CompiledIndicator.

#include "engine/engine.h"
#include "engine/logsource.h"
#include "events/fieldname.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sigma::engine {

/// Per-event evaluation state: the case-folded field values, computed once on demand and shared
/// by every value and every rule that looks at the event.
class EvalContext {
public:
    explicit EvalContext(const Event& event)
        : m_event(&event)
    {}
    const Event& event() const { return *m_event; }
    /// Reuses this context (and its buffers) for another event; earlier views become invalid.
    void rebind(const Event& event)
    {
        m_event = &event;
        m_spans.clear();
        errors = nullptr;
    }
    std::string_view raw(std::size_t index) const { return m_event->text(index); }
    /// The case-folded value of field `index`, folded on first use. Folded values go into one
    /// buffer reserved for the worst case, so views stay valid for the context's lifetime.
    std::string_view folded(std::size_t index)
    {
        if (m_spans.empty())
            init();
        auto& span = m_spans[index];
        if (span.first == kNotFolded)
            foldField(index);
        return std::string_view(m_buffer.data() + span.first, span.second);
    }

    /// Collected errors (regex limits), when explaining; null on the fast path.
    std::vector<std::string>* errors = nullptr;

private:
    static constexpr std::size_t kNotFolded = static_cast<std::size_t>(-1);
    void init();
    void foldField(std::size_t index);
    const Event* m_event;
    std::string m_buffer;
    std::vector<std::pair<std::size_t, std::size_t>> m_spans; ///< offset, length
};

/// Interned keys of the System fields the engine reads on every event.
struct SystemKeys {
    FieldNames::Id channel;
    FieldNames::Id provider;
    FieldNames::Id eventId;
    static const SystemKeys& get();
};
inline std::string_view fieldByKey(const Event& e, FieldNames::Id key)
{
    const auto v = e.valueByKey(key);
    return v ? std::string_view(*v) : std::string_view();
}

/// Tests one value (as written, possibly expanded) against one field value of the event.
class ValueMatcher {
public:
    virtual ~ValueMatcher() = default;
    /// The field is present: test the value of event field `index`.
    virtual Outcome test(EvalContext& ctx, std::size_t index, std::string* error) const = 0;
    /// The field is absent from the event.
    virtual Outcome testAbsent() const { return Outcome::FieldAbsent; }
    /// Literals one of which occurs (case-folded) in any event this value matches; empty when
    /// nothing can be said (then the rule is not literal-filtered through this value).
    virtual std::vector<std::string> requiredLiterals() const { return {}; }
    /// For the explanation: what was compared, e.g. "contains 'x' (3 variants)".
    virtual std::string describe() const = 0;
    /// Relative cost of one test, to evaluate cheap items of a map first.
    virtual unsigned cost() const { return 4; }
};

struct CompiledValue {
    std::unique_ptr<ValueMatcher> matcher;
    std::string label; ///< the value as written
    SourceSpan span;
    std::size_t valueIndex = 0;
};

class ItemAccelerator;

struct CompiledItem {
    bool keyword = false;
    FieldNames::Id key = 0;
    std::string field;
    bool all = false;
    std::vector<CompiledValue> values;
    std::string label; ///< "field|mod|mod"
    SourceSpan span;
    std::size_t itemIndex = 0;
    /// Fast path of a field item whose values are all plain strings, many of them `contains`
    /// (matchers.cpp): the values tested in one pass over the field value. Null otherwise.
    std::shared_ptr<const ItemAccelerator> accelerator;
};

struct CompiledMap {
    std::vector<CompiledItem> items;
    std::vector<std::uint32_t> order; ///< evaluation order of the fast path (cheapest first; AND is commutative)
    SourceSpan span;
    std::size_t mapIndex = 0;
};

struct CompiledSearch {
    std::string name;
    std::vector<CompiledMap> maps; ///< OR
    SourceSpan span;
    SourceSpan nameSpan;
    std::size_t searchIndex = 0;
};

struct CompiledCondition {
    ConditionNode::Kind kind = ConditionNode::Kind::Identifier;
    std::vector<CompiledCondition> children;
    std::vector<std::size_t> searches; ///< Identifier: one; OneOf/AllOf: those covered
    std::string label;
    SourceSpan span;
    SourceSpan operatorSpan;
};

/// The translated views of one event (Security 4688/5156), built once per event and shared by
/// every rule that reads it through the same translation. Rebinding to another event keeps the
/// buffers (one cache per thread serves every event).
class TranslationCache {
public:
    explicit TranslationCache(const Event& event)
        : m_event(&event)
    {}
    void rebind(const Event& event);
    EvalContext& get(SourceTranslation translation);
    /// The translated view; `copied`: its first fields are the original event's fields, unchanged
    /// (same key, same value), in order; the later ones are renamed or derived.
    const Event& translated(SourceTranslation translation, std::size_t* copied = nullptr);

private:
    struct Slot {
        bool built = false;
        std::size_t copied = 0;
        Event event;
        EvalContext context{event};
    };
    Slot& slot(SourceTranslation translation);
    const Event* m_event;
    Slot m_slots[3];
};

/// A string (case-folded) that occurs in a field (kAnyField: any field) of every matching event.
constexpr FieldNames::Id kAnyField = 0xFFFFFFFFu;
struct RequiredLiteral {
    FieldNames::Id field = kAnyField;
    std::string text;
    friend bool operator==(const RequiredLiteral&, const RequiredLiteral&) = default;
    friend auto operator<=>(const RequiredLiteral&, const RequiredLiteral&) = default;
};

/// Three-valued result of the fast path (Error behaves as false but stays distinguishable).
enum class Tri : unsigned char { False, True, Error };
inline Tri notTri(Tri t)
{
    return t == Tri::Error ? Tri::Error : (t == Tri::True ? Tri::False : Tri::True);
}

Outcome evalItem(const CompiledItem& item, EvalContext& ctx, ExplainNode* explain, bool shortCircuit);
/// The explanation node of one value of an item, before its outcome is set.
ExplainNode valueNode(const CompiledItem& item, const CompiledValue& value);
Tri evalSearch(const CompiledSearch& search, EvalContext& ctx);

/// Compiles one detection item (all values). Errors go to diagnostics.
bool compileItem(const DetectionItem& item, std::size_t itemIndex, const std::string& file,
                 const CompileOptions& options, CompiledItem& out, Diagnostics& diagnostics);

/// Builds the event a rule sees through a source translation (fields renamed, values mapped).
Event translateEvent(const Event& event, SourceTranslation translation, std::string* description,
                     std::vector<TranslatedField>* origins = nullptr);
/// The same into `out`, reusing its storage. Returns how many leading fields of `out` are fields
/// of `event` copied unchanged (see TranslationCache::translated).
std::size_t translateInto(const Event& event, SourceTranslation translation, Event& out, std::string* description,
                          std::vector<TranslatedField>* origins = nullptr);

} // namespace sigma::engine

namespace sigma {

/// What the engine's own classes (the rule set) read of a compiled rule; not public API.
struct CompiledRuleAccess {
    static const CompiledRule::Impl& impl(const CompiledRule& rule) { return *rule.m_impl; }
};

struct CompiledRule::Impl {
    Rule rule;
    std::string file;
    /// The rule's field names (engine/rulenames.h): their keys stay valid while the rule lives.
    std::shared_ptr<FieldNameSet> names = std::make_shared<FieldNameSet>();
    std::vector<engine::CompiledSearch> searches;
    std::vector<engine::CompiledCondition> conditions; ///< OR'ed
    bool scoped = false;
    std::vector<LogSourceEntry> scope; ///< copies of the table rows
    /// Literal pre-filter: one of these (folded) occurs in any matching event; empty = no filter.
    std::vector<std::vector<engine::RequiredLiteral>> literalGroups;
    bool translates = false; ///< some scope row translates values (literal filter unsafe)

    /// The scope row covering the event; nullptr if none (or the rule is unscoped: check `scoped`).
    const LogSourceEntry* scopeFor(const Event& event) const;
    /// The entry of scope row `row` (a CompiledRule::scopeRow() value) into `entry`: nullptr for
    /// an unscoped rule. False when `row` is out of scope or out of range.
    bool rowEntry(int row, const LogSourceEntry*& entry) const
    {
        entry = nullptr;
        if (row < 0)
            return false;
        if (!scoped)
            return true;
        if (static_cast<std::size_t>(row) >= scope.size())
            return false;
        entry = &scope[static_cast<std::size_t>(row)];
        return true;
    }
    /// Scope + condition. `shared`/`translations`: per-event caches shared across rules (may be null).
    bool evaluate(const Event& event, engine::EvalContext* shared, engine::TranslationCache* translations) const;
    /// The same when the caller knows the scope row: scopeFor(event) (null for an unscoped rule).
    bool evaluateIn(const LogSourceEntry* entry, const Event& event, engine::EvalContext* shared,
                    engine::TranslationCache* translations) const;
};

} // namespace sigma
