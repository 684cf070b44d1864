#include "corpus/rulepage.h"

#include "corpus/vendorrule.h"
#include "util/asciitext.h"
#include "util/fileio.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>

namespace sigma {

namespace {

using ordered_json = nlohmann::ordered_json;

std::string quotedValue(const QueryValue& v)
{
    if (v.type == QueryValue::Type::String)
        return '"' + v.text + '"';
    return v.text;
}

std::string compareText(const PredicateNode& n)
{
    std::string s = n.function.empty() ? n.field : n.function + '(' + n.field + ')';
    if (n.optionalField)
        s = '?' + s;
    s += ' ' + (n.opText.empty() ? std::string(compareOpName(n.op)) : n.opText);
    for (std::size_t i = 0; i < n.values.size(); ++i)
        s += (i ? ", " : " ") + quotedValue(n.values[i]);
    if (n.cased)
        s += "  (case-sensitive)";
    if (!n.onEventField)
        s += "  (not an event field)";
    return s;
}

void addPredicates(const PredicateNode& n, int depth, bool negated, std::vector<RulePage::Predicate>& out)
{
    RulePage::Predicate p;
    p.depth = depth;
    p.span = n.span;
    p.excludes = negated;
    bool childNegated = negated;
    switch (n.kind) {
    case PredicateNode::Kind::And:
        p.text = "and";
        break;
    case PredicateNode::Kind::Or:
        p.text = "or";
        break;
    case PredicateNode::Kind::Not:
        p.text = "not";
        childNegated = !negated;
        break;
    case PredicateNode::Kind::Compare:
        p.text = n.field.empty() && n.values.size() == 1 ? "text " + quotedValue(n.values[0]) : compareText(n);
        break;
    case PredicateNode::Kind::Event:
        p.text = n.category + " where";
        if (n.role != PredicateNode::EventRole::Term) {
            p.text = (n.role == PredicateNode::EventRole::Until ? "until " : "missing ") + p.text;
            childNegated = !negated;
        }
        if (!n.note.empty())
            p.text += " [" + n.note + ']';
        break;
    case PredicateNode::Kind::Sequence:
        p.text = "sequence" + (n.note.empty() ? std::string() : ' ' + n.note);
        break;
    case PredicateNode::Kind::Sample:
        p.text = "sample" + (n.note.empty() ? std::string() : ' ' + n.note);
        break;
    case PredicateNode::Kind::Opaque:
        p.text = "(not analysed: " + n.note + ')';
        break;
    }
    // One-child and/or nodes add nothing to read.
    const bool skip =
        (n.kind == PredicateNode::Kind::And || n.kind == PredicateNode::Kind::Or) && n.children.size() == 1;
    if (!skip)
        out.push_back(p);
    for (const auto& c : n.children)
        addPredicates(c, skip ? depth : depth + 1, childNegated, out);
}

std::string writtenOf(const CorpusRule& rule, const Indicator& ind)
{
    const WrittenIndicator w = writtenIndicator(rule, ind);
    return w.field + ": " + w.value;
}

std::string spanText(const SourceSpan& s)
{
    if (!s.valid())
        return {};
    return std::to_string(s.begin.line) + ':' + std::to_string(s.begin.column);
}

ordered_json spanJson(const SourceSpan& s)
{
    if (!s.valid())
        return nullptr;
    return {{"line", s.begin.line}, {"column", s.begin.column}, {"end_line", s.end.line}, {"end_column", s.end.column}};
}

} // namespace

WrittenIndicator writtenIndicator(const CorpusRule& rule, const Indicator& ind)
{
    std::string field = ind.writtenField.empty() ? std::string("(keyword)") : ind.writtenField;
    std::string value = ind.writtenValue;
    if (rule.rule) {
        const auto& detection = rule.rule->detection;
        if (ind.searchIndex < detection.size() && ind.mapIndex < detection[ind.searchIndex].maps.size()) {
            const auto& items = detection[ind.searchIndex].maps[ind.mapIndex].items;
            if (ind.itemIndex < items.size()) {
                const DetectionItem& item = items[ind.itemIndex];
                if (!item.isKeyword) {
                    field = item.field;
                    for (const auto& m : item.modifiers)
                        field += '|' + m.written;
                }
                if (ind.valueIndex < item.values.size())
                    value = item.values[ind.valueIndex].text;
            }
        }
    }
    if (value.empty())
        value = ind.value;
    return {std::move(field), std::move(value)};
}

const CorpusRule* findCorpusRule(const Corpus& corpus, std::string_view idOrFile)
{
    const std::string folded = asciiLowered(idOrFile);
    for (const auto& r : corpus.rules())
        if (!r.id.empty() && asciiLowered(r.id) == folded)
            return &r;
    std::error_code ec;
    const std::filesystem::path wanted = std::filesystem::weakly_canonical(std::string(idOrFile), ec);
    for (const auto& r : corpus.rules()) {
        if (r.relativePath == idOrFile || r.file == idOrFile)
            return &r;
        std::error_code ec2;
        if (!ec && std::filesystem::weakly_canonical(r.file, ec2) == wanted && !ec2)
            return &r;
    }
    return nullptr;
}

RulePage buildRulePage(const Corpus& corpus, const CorpusRule& rule)
{
    RulePage page;
    page.rule = &rule;
    if (rule.vendorRule) {
        const VendorRule& v = *rule.vendorRule;
        page.source = v.query;
        page.sourceSpan = v.querySpan;
        if (v.hasQuery && v.parsed.analysed())
            addPredicates(v.parsed.root, 0, false, page.predicates);
        for (const auto& n : v.parsed.notes)
            page.notes.push_back(std::string(queryNoteKindName(n.kind)) + ": " + n.text +
                                 (n.span.valid() ? " (" + spanText(n.span) + ')' : std::string()));
        for (const auto& d : v.parsed.diagnostics)
            page.notes.push_back(d.format());
        if (!v.hasQuery)
            page.notes.push_back("no query (" + v.ruleType + " rule)");
    } else {
        std::string error;
        readWholeFile(rule.file, page.source, error);
        // Sigma: each search identifier's items, marked by whether the condition excludes them.
        for (const auto& ind : rule.indicators) {
            RulePage::Predicate p;
            p.depth = 1;
            p.text = ind.searchIdentifier + ": " + writtenOf(rule, ind);
            p.excludes = ind.excluded;
            p.span = ind.itemSpan.valid() ? ind.itemSpan : ind.span;
            page.predicates.push_back(std::move(p));
        }
    }
    for (const auto& ind : rule.indicators) {
        RulePage::IndicatorRow row;
        row.indicator = ind;
        row.written = writtenOf(rule, ind);
        row.reach = corpus.reach(ind.key());
        row.reachByVendor = corpus.reachByVendor(ind.key());
        page.indicators.push_back(std::move(row));
    }
    return page;
}

std::string rulePageText(const RulePage& page)
{
    const CorpusRule& r = *page.rule;
    std::ostringstream o;
    o << r.title << '\n'
      << "  vendor: " << r.vendor << "   language: " << (r.language.empty() ? "-" : r.language)
      << (r.ruleType.empty() ? std::string() : "   type: " + r.ruleType) << '\n'
      << "  id: " << r.id << '\n'
      << "  file: " << r.file << '\n';
    if (!r.level.empty())
        o << "  level: " << r.level << '\n';
    if (!r.techniques.empty()) {
        o << "  techniques:";
        for (const auto& t : r.techniques)
            o << ' ' << t;
        o << '\n';
    }
    if (!r.queryAnalysed)
        o << "  query not analysed\n";
    if (r.vendorRule && !page.source.empty()) {
        o << "\nQuery (line " << page.sourceSpan.begin.line << " of the file):\n";
        std::istringstream lines(page.source);
        std::string line;
        while (std::getline(lines, line))
            o << "  | " << line << '\n';
    }
    o << "\nPredicates:\n";
    if (page.predicates.empty())
        o << "  (none)\n";
    for (const auto& p : page.predicates)
        o << "  " << std::string(static_cast<std::size_t>(p.depth) * 2, ' ') << (p.excludes ? "[excludes] " : "")
          << p.text << (p.span.valid() ? "   @" + spanText(p.span) : std::string()) << '\n';
    o << "\nIndicators (" << page.indicators.size() << "):\n";
    for (const auto& i : page.indicators) {
        o << "  " << (i.indicator.excluded ? "excludes  " : "looks for ")
          << (i.indicator.field.empty() ? std::string("(keyword)") : i.indicator.field) << ' '
          << indicatorKindName(i.indicator.kind) << ' ' << i.indicator.value << "   reach " << i.reach;
        if (!i.reachByVendor.empty()) {
            o << " (";
            bool first = true;
            for (const auto& [vendor, n] : i.reachByVendor) {
                o << (first ? "" : ", ") << vendor << ' ' << n;
                first = false;
            }
            o << ')';
        }
        o << "   written " << i.written << "   @" << spanText(i.indicator.span) << '\n';
    }
    if (!page.notes.empty()) {
        o << "\nNotes:\n";
        for (const auto& n : page.notes)
            o << "  " << n << '\n';
    }
    return o.str();
}

std::string rulePageJson(const RulePage& page)
{
    const CorpusRule& r = *page.rule;
    ordered_json j;
    j["vendor"] = r.vendor;
    j["id"] = r.id;
    j["title"] = r.title;
    j["file"] = r.file;
    j["language"] = r.language;
    j["type"] = r.ruleType;
    j["level"] = r.level;
    j["techniques"] = r.techniques;
    j["query_analysed"] = r.queryAnalysed;
    if (r.vendorRule) {
        j["query"] = page.source;
        j["query_span"] = spanJson(page.sourceSpan);
    }
    j["predicates"] = ordered_json::array();
    for (const auto& p : page.predicates)
        j["predicates"].push_back({{"depth", p.depth},
                                   {"text", p.text},
                                   {"use", p.excludes ? "excludes" : "looks_for"},
                                   {"span", spanJson(p.span)}});
    j["indicators"] = ordered_json::array();
    for (const auto& i : page.indicators)
        j["indicators"].push_back({{"canonical", i.indicator.field},
                                   {"kind", indicatorKindName(i.indicator.kind)},
                                   {"canonical_value", i.indicator.value},
                                   {"written", i.written},
                                   {"use", i.indicator.excluded ? "excludes" : "looks_for"},
                                   {"corpus_reach", i.reach},
                                   {"reach_by_vendor", i.reachByVendor},
                                   {"span", spanJson(i.indicator.span)}});
    j["notes"] = page.notes;
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

} // namespace sigma
