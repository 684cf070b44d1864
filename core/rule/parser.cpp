// Sigma YAML -> model (rule/rule.h). See parser.h for the position conventions; the documents
// are read by reader::Converter (converter.h: rulereader.cpp, correlationreader.cpp,
// filterreader.cpp), scalars typed as YAML 1.1 (yamlscalar.h).
#include "rule/parser.h"

#include "rule/converter.h"
#include "rule/yamlscalar.h"
#include "rule/yamltree.h"
#include "util/asciitext.h"
#include "util/yamlwriter.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <set>

namespace sigma::reader {

using yaml11::resolveBool;
using yaml11::resolveFloat;
using yaml11::resolveInt;

void Converter::document(const yamltree::Document& doc, int index)
{
    Document d;
    d.index = index;
    d.span = {m_lines.pos(doc.begin), m_lines.pos(doc.end)};
    const Node* root = doc.root;
    if (!root || root->kind == NodeKind::Null) {
        return; // an empty document (e.g. a trailing '---'): nothing to check
    }
    if (root->kind != NodeKind::Map) {
        error("not-a-mapping", "a Sigma document must be a mapping of keys to values", span(root));
        m_out.documents.push_back(std::move(d));
        return;
    }
    const auto entries = mapEntries(root);
    auto has = [&](std::string_view key) {
        return std::any_of(entries.begin(), entries.end(), [&](const auto& e) { return e.first->value == key; });
    };
    if (has("correlation"))
        d.content = correlation(entries, root);
    else if (has("filter") && !has("detection"))
        d.content = filter(entries, root);
    else if (has("detection"))
        d.content = rule(entries, root);
    else
        error("unknown-document",
              "not a Sigma rule, correlation or filter: the document has no 'detection', 'correlation' or 'filter' "
              "key",
              {m_lines.pos(root->begin), m_lines.pos(root->begin)});
    m_out.documents.push_back(std::move(d));
}

/// Key/value pairs of a map; non-scalar keys are reported and skipped, duplicates reported.
Converter::Entries Converter::mapEntries(const Node* map)
{
    Entries out;
    std::set<std::string_view> seen;
    for (std::size_t i = 0; i + 1 < map->children.size(); i += 2) {
        const Node* k = map->children[i];
        const Node* v = map->children[i + 1];
        if (k->kind != NodeKind::Scalar) {
            if (k->kind == NodeKind::Null)
                error("wrong-type", "a key cannot be empty", span(k));
            else
                error("wrong-type", "a key must be a plain scalar, not a list or a mapping", span(k));
            continue;
        }
        if (!seen.insert(k->value).second)
            warning("duplicate-key",
                    "the key '" + k->value + "' appears twice in this mapping; YAML readers keep only the last",
                    span(k));
        out.emplace_back(k, v);
    }
    return out;
}

bool Converter::scalarText(const Node* v, const std::string& key, std::string& out)
{
    if (v->kind == NodeKind::Scalar) {
        out = v->value;
        return true;
    }
    if (v->kind == NodeKind::Null) {
        out.clear();
        return true;
    }
    error("wrong-type",
          "'" + key + "' must be a single value, not a " + (v->kind == NodeKind::Map ? "mapping" : "list"), span(v));
    return false;
}

/// A list of strings; a single scalar is accepted as a one-element list (with a warning).
std::vector<std::string> Converter::stringList(const Node* v, const std::string& key, std::vector<SourceSpan>* spans)
{
    std::vector<std::string> out;
    if (v->kind == NodeKind::Null)
        return out;
    if (v->kind == NodeKind::Scalar) {
        warning("expected-list", "'" + key + "' should be a list", span(v));
        out.push_back(v->value);
        if (spans)
            spans->push_back(span(v));
        return out;
    }
    if (v->kind == NodeKind::Map) {
        error("wrong-type", "'" + key + "' must be a list of values, not a mapping", span(v));
        return out;
    }
    for (const Node* item : v->children) {
        if (item->kind == NodeKind::Scalar) {
            out.push_back(item->value);
            if (spans)
                spans->push_back(span(item));
        } else if (item->kind != NodeKind::Null) {
            error("wrong-type", "the items of '" + key + "' must be single values", span(item));
        }
    }
    return out;
}

Value Converter::value(const Node* n)
{
    Value v;
    v.span = span(n);
    if (n->kind == NodeKind::Null) {
        v.type = Value::Type::Null;
        return v;
    }
    v.text = n->value;
    v.quoted = n->tag != "?"; // quoted, block scalar or explicitly tagged: not typed implicitly
    const std::string& tag = n->tag;
    if (tag == "?") {
        if (n->value == "~" || n->value == "null" || n->value == "Null" || n->value == "NULL")
            v.type = Value::Type::Null;
        else if (resolveBool(n->value, v.boolValue))
            v.type = Value::Type::Boolean;
        else if (resolveInt(n->value, v.intValue)) {
            v.type = Value::Type::Integer;
            v.floatValue = static_cast<double>(v.intValue);
        } else if (resolveFloat(n->value, v.floatValue))
            v.type = Value::Type::Float;
    } else if (tag == "tag:yaml.org,2002:int" && resolveInt(n->value, v.intValue)) {
        v.type = Value::Type::Integer;
    } else if (tag == "tag:yaml.org,2002:float" && resolveFloat(n->value, v.floatValue)) {
        v.type = Value::Type::Float;
    } else if (tag == "tag:yaml.org,2002:bool" && resolveBool(n->value, v.boolValue)) {
        v.type = Value::Type::Boolean;
    } else if (tag == "tag:yaml.org,2002:null") {
        v.type = Value::Type::Null;
    }
    return v;
}

/// Re-emits a node as compact YAML (flow style), for custom attributes.
void Converter::emit(const Node* n, std::string& out, int depth)
{
    if (depth > m_options.maxDepth || out.size() > 65536) {
        out += "...";
        return;
    }
    switch (n->kind) {
    case NodeKind::Null:
        out += "null";
        break;
    case NodeKind::Scalar: {
        // A scalar written plain stays plain (it reads back with the same YAML type); any other
        // is double-quoted by the project's one YAML writer.
        if (n->tag == "?" && !n->value.empty())
            out += n->value;
        else
            out += yaml::doubleQuoted(n->value);
        break;
    }
    case NodeKind::Sequence:
        out += '[';
        for (std::size_t i = 0; i < n->children.size(); ++i) {
            if (i)
                out += ", ";
            emit(n->children[i], out, depth + 1);
        }
        out += ']';
        break;
    case NodeKind::Map:
        out += '{';
        for (std::size_t i = 0; i + 1 < n->children.size(); i += 2) {
            if (i)
                out += ", ";
            emit(n->children[i], out, depth + 1);
            out += ": ";
            emit(n->children[i + 1], out, depth + 1);
        }
        out += '}';
        break;
    }
}

CustomAttribute Converter::custom(const Node* k, const Node* v)
{
    CustomAttribute c;
    c.key = k->value;
    emit(v, c.yaml, 0);
    c.span = {m_lines.pos(k->begin), m_lines.pos(std::max(k->end, v->end))};
    return c;
}

LogSource Converter::logsource(const Node* v)
{
    LogSource ls;
    ls.span = span(v);
    if (v->kind != NodeKind::Map) {
        error("wrong-type", "'logsource' must be a mapping (category, product, service, definition)", span(v));
        return ls;
    }
    for (const auto& [k, val] : mapEntries(v)) {
        std::string text;
        if (!scalarText(val, "logsource." + k->value, text))
            continue;
        ls.valueSpans[k->value] = span(val);
        ls.keySpans[k->value] = span(k);
        if (k->value == "category")
            ls.category = text;
        else if (k->value == "product")
            ls.product = text;
        else if (k->value == "service")
            ls.service = text;
        else if (k->value == "definition")
            ls.definition = text;
    }
    return ls;
}

} // namespace sigma::reader

namespace sigma {

using reader::Converter;

ParsedFile parseRuleText(std::string text, std::string file, const ParseOptions& options)
{
    ParsedFile out;
    out.file = std::move(file);
    if (text.size() > options.maxBytes) {
        out.diagnostics.push_back(
            {Severity::Error,
             "file-too-large",
             "the file has " + std::to_string(text.size()) + " bytes; the limit is " + std::to_string(options.maxBytes),
             out.file,
             {{1, 1}, {1, 1}}});
        return out;
    }
    if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0)
        text.erase(0, 3);
    if (text.size() >= 2 && (text.compare(0, 2, "\xFF\xFE") == 0 || text.compare(0, 2, "\xFE\xFF") == 0)) {
        // Windows editors' "Unicode": every position in the file would be wrong, and pySigma
        // (which reads UTF-8) refuses it too
        out.diagnostics.push_back({Severity::Error,
                                   "not-utf8",
                                   std::string("the file starts with a UTF-") +
                                       (text.size() >= 4 && text[2] == '\0' && text[3] == '\0' ? "32" : "16") +
                                       " byte-order mark; Sigma rules are UTF-8: save the file as UTF-8",
                                   out.file,
                                   {{1, 1}, {1, 1}}});
        return out;
    }
    out.text = std::move(text);
    try {
        const yamltree::LineIndex lines(out.text);
        const yamltree::Limits limits{options.maxDepth, options.maxNodes};
        yamltree::Tree tree = yamltree::parse(out.text, lines, limits, out.file);
        out.diagnostics = std::move(tree.diagnostics);
        Converter converter(out, lines, options);
        for (std::size_t i = 0; i < tree.documents.size(); ++i)
            converter.document(tree.documents[i], static_cast<int>(i));
        if (tree.documents.empty() && out.diagnostics.empty())
            out.diagnostics.push_back(
                {Severity::Warning, "empty-file", "the file holds no YAML document", out.file, {{1, 1}, {1, 1}}});
    } catch (const std::exception& e) {
        out.diagnostics.push_back({Severity::Error,
                                   "internal-error",
                                   std::string("internal error: ") + e.what(),
                                   out.file,
                                   {{1, 1}, {1, 1}}});
    } catch (...) {
        out.diagnostics.push_back({Severity::Error, "internal-error", "internal error", out.file, {{1, 1}, {1, 1}}});
    }
    std::stable_sort(out.diagnostics.begin(), out.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::pair(a.span.begin.line, a.span.begin.column) < std::pair(b.span.begin.line, b.span.begin.column);
    });
    return out;
}

ParsedFile parseRuleFile(const std::string& path, const ParseOptions& options)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        ParsedFile out;
        out.file = path;
        out.diagnostics.push_back(
            {Severity::Error, "io-error", "cannot open the file: " + std::string(std::strerror(errno)), path, {}});
        return out;
    }
    in.seekg(0, std::ios::end);
    const auto size = in.tellg();
    in.seekg(0, std::ios::beg);
    if (size > 0 && static_cast<std::size_t>(size) > options.maxBytes) {
        ParsedFile out;
        out.file = path;
        out.diagnostics.push_back({Severity::Error,
                                   "file-too-large",
                                   "the file has " + std::to_string(static_cast<long long>(size)) +
                                       " bytes; the limit is " + std::to_string(options.maxBytes),
                                   path,
                                   {{1, 1}, {1, 1}}});
        return out;
    }
    std::string text;
    if (size > 0)
        text.resize(static_cast<std::size_t>(size));
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad() || (size < 0)) {
        ParsedFile out;
        out.file = path;
        out.diagnostics.push_back({Severity::Error, "io-error", "cannot read the file", path, {}});
        return out;
    }
    text.resize(static_cast<std::size_t>(in.gcount()));
    return parseRuleText(std::move(text), path, options);
}

const std::vector<DiagnosticCodeInfo>& parserDiagnosticCodes()
{
    static const std::vector<DiagnosticCodeInfo> codes{
        {"io-error", Severity::Error, "the file cannot be read"},
        {"file-too-large", Severity::Error, "the file is larger than the parser's limit (ParseOptions::maxBytes)"},
        {"not-utf8", Severity::Error, "the file is UTF-16 or UTF-32 (a byte-order mark): rules are UTF-8"},
        {"yaml-syntax", Severity::Error, "the YAML does not parse"},
        {"yaml-too-deep", Severity::Error, "the YAML is nested deeper than the limit (ParseOptions::maxDepth)"},
        {"yaml-too-many-nodes", Severity::Error, "too many YAML nodes once aliases are expanded (alias bomb)"},
        {"yaml-alias", Severity::Error, "an alias refers to a node that contains it"},
        {"empty-file", Severity::Warning, "the file holds no YAML document"},
        {"not-a-mapping", Severity::Error, "a document is not a mapping"},
        {"unknown-document", Severity::Error, "a document is neither a rule, a correlation nor a filter"},
        {"duplicate-key", Severity::Warning, "a key appears twice in a mapping"},
        {"wrong-type", Severity::Error, "a value has the wrong YAML type (list where a string is expected, ...)"},
        {"expected-list", Severity::Warning, "a single value where the specification expects a list"},
        {"missing-title", Severity::Error, "no 'title'"},
        {"missing-logsource", Severity::Error, "no 'logsource'"},
        {"missing-condition", Severity::Error, "no condition (detection, or a correlation that needs one)"},
        {"deprecated-timeframe", Severity::Warning, "'timeframe' in detection (Sigma 1): use a correlation"},
        {"unknown-modifier", Severity::Error, "a modifier that Sigma v2.1 and pySigma do not define"},
        {"comparator-not-last", Severity::Error, "a modifier after gt/gte/lt/lte/cidr/exists/time parts or after re"},
        {"re-flag-without-re", Severity::Error, "i/m/s (ignorecase/multiline/dotall) without 're' before"},
        {"all-single-value", Severity::Error, "'all' on a single value"},
        {"re-non-string", Severity::Error, "'re' with a number, boolean or null"},
        {"invalid-regex", Severity::Error, "'re' with a regular expression that does not compile"},
        {"exists-not-boolean", Severity::Error, "'exists' with something other than true/false"},
        {"comparison-not-number", Severity::Error, "gt/gte/lt/lte or a time part with a non-number"},
        {"invalid-cidr", Severity::Error, "'cidr' with something that is not a network"},
        {"null-in-list", Severity::Error, "null inside a value list"},
        {"empty-value-list", Severity::Warning, "an empty value list"},
        {"empty-search-identifier", Severity::Error, "a search identifier with no value"},
        {"mixed-detection-list", Severity::Warning, "a list mixing field mappings and keywords"},
        {"condition-syntax", Severity::Error, "the condition does not parse"},
        {"condition-empty", Severity::Error, "the condition is empty"},
        {"condition-aggregation", Severity::Error, "the Sigma 1 aggregation syntax '| count() ...'"},
        {"undefined-identifier", Severity::Error, "the condition refers to an undefined search identifier"},
        {"pattern-matches-nothing", Severity::Error, "an x-of pattern or 'them' designates no search identifier"},
        {"unused-identifier", Severity::Warning, "a search identifier the condition does not use"},
        {"invalid-correlation-type", Severity::Error, "unknown correlation type"},
        {"missing-correlation-type", Severity::Error, "a correlation without 'type'"},
        {"missing-correlation-rules", Severity::Error, "a correlation without 'rules'"},
        {"bad-timespan", Severity::Error, "a missing or malformed correlation timespan"},
        {"missing-percentile", Severity::Warning,
         "a value_percentile condition without percentile (the median is used)"},
        {"invalid-correlation-condition", Severity::Error, "a correlation condition operator or value is invalid"},
        {"missing-filter-rules", Severity::Error, "a filter without 'rules'"},
        {"unknown-key", Severity::Warning, "an unknown key inside 'correlation'"},
        {"internal-error", Severity::Error, "a bug in the parser (please report it)"},
    };
    return codes;
}

} // namespace sigma
