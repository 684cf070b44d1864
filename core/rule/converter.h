#pragma once

// Internal to core/rule: the reader that turns a YAML tree into the model (rule/rule.h), one
// document at a time. parser.cpp holds the document dispatch and the YAML helpers; rulereader.cpp
// the detection and rule documents, correlationreader.cpp and filterreader.cpp the others.

#include "rule/parser.h"
#include "rule/yamltree.h"

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sigma::reader {

using yamltree::Node;
using NodeKind = yamltree::Node::Kind;

class Converter {
public:
    Converter(ParsedFile& out, const yamltree::LineIndex& lines, const ParseOptions& options)
        : m_out(out)
        , m_text(out.text)
        , m_lines(lines)
        , m_options(options)
    {}

    void document(const yamltree::Document& doc, int index);

private:
    using Entries = std::vector<std::pair<const Node*, const Node*>>;

    SourceSpan span(const Node* n) const { return {m_lines.pos(n->begin), m_lines.pos(n->end)}; }
    SourceSpan spanOffsets(std::size_t b, std::size_t e) const { return {m_lines.pos(b), m_lines.pos(e)}; }

    void diag(Severity s, const char* code, std::string message, SourceSpan where)
    {
        m_out.diagnostics.push_back({s, code, std::move(message), m_out.file, where});
    }
    void error(const char* code, std::string message, SourceSpan where)
    {
        diag(Severity::Error, code, std::move(message), where);
    }
    void warning(const char* code, std::string message, SourceSpan where)
    {
        diag(Severity::Warning, code, std::move(message), where);
    }

    /// Key/value pairs of a map; non-scalar keys are reported and skipped, duplicates reported.
    Entries mapEntries(const Node* map);

    bool scalarText(const Node* v, const std::string& key, std::string& out);

    /// A list of strings; a single scalar is accepted as a one-element list (with a warning).
    std::vector<std::string> stringList(const Node* v, const std::string& key,
                                        std::vector<SourceSpan>* spans = nullptr);

    Value value(const Node* n);

    /// Re-emits a node as compact YAML (flow style), for custom attributes.
    void emit(const Node* n, std::string& out, int depth);

    CustomAttribute custom(const Node* k, const Node* v);

    LogSource logsource(const Node* v);

    // --- detection -------------------------------------------------------------------------------

    void checkModifiers(DetectionItem& item, const Node* valueNode);

    DetectionItem detectionItem(const Node* k, const Node* v);

    DetectionMap detectionMap(const Node* map);

    DetectionMap keywordMap(const std::vector<const Node*>& values, const Node* whole);

    SearchIdentifier searchIdentifier(const Node* k, const Node* v);

    Condition condition(const Node* n);

    /// Parses a detection-like mapping: search identifiers and 'condition' (rules and filters).
    void detection(const Node* map, std::vector<SearchIdentifier>& identifiers, std::vector<Condition>& conditions,
                   std::string* timeframe, const std::set<std::string>& skip, SourceSpan where);

    void checkReferences(const ConditionNode& node, const std::vector<std::string>& names, std::set<std::string>& used);

    // --- documents -----------------------------------------------------------------------------------

    template <typename T>
    void recordSpans(T& model, const Node* k, const Node* v)
    {
        model.keySpans[k->value] = span(k);
        model.valueSpans[k->value] = span(v);
    }

    Rule rule(const Entries& entries, const Node* root);

    std::vector<RelatedRule> related(const Node* v);

    Correlation correlation(const Entries& entries, const Node* root);

    void correlationBody(Correlation& c, const Node* key, const Node* v);

    void correlationCondition(Correlation& c, const Node* v);

    void aliases(Correlation& c, const Node* v);

    Filter filter(const Entries& entries, const Node* root);

    ParsedFile& m_out;
    std::string_view m_text;
    const yamltree::LineIndex& m_lines;
    const ParseOptions& m_options;
};

} // namespace sigma::reader
