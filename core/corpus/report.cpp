#include "corpus/report.h"

#include "rule/attack.h"
#include "util/xmlescape.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <sstream>

namespace sigma {

namespace {

using nlohmann::ordered_json;

std::string howText(const std::map<std::string, std::size_t>& how)
{
    std::vector<std::pair<std::string, std::size_t>> v(how.begin(), how.end());
    std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string s;
    for (const auto& [k, n] : v) {
        if (!s.empty())
            s += ", ";
        s += k + ' ' + std::to_string(n);
    }
    return s;
}

std::string joined(const std::vector<std::string>& v, const char* sep = ", ")
{
    std::string s;
    for (const auto& x : v) {
        if (!s.empty())
            s += sep;
        s += x;
    }
    return s;
}

std::string mdCell(std::string_view text)
{
    std::string out;
    for (char c : text) {
        if (c == '|' || c == '\\' || c == '`' || c == '*' || c == '<' || c == '[' || c == ']')
            out += '\\';
        if (c == '\n') {
            out += ' ';
            continue;
        }
        out += c;
    }
    return out;
}

/// A value as a Markdown code span inside a table cell: backslashes stay literal; pipes are escaped
/// (GFM splits cells before it parses code spans).
std::string mdCode(std::string_view text)
{
    if (text.empty())
        return {};
    std::string body;
    for (char c : text) {
        if (c == '|')
            body += '\\';
        body += c == '\n' ? ' ' : c;
    }
    const bool tick = body.find('`') != std::string::npos;
    const std::string fence = tick ? "``" : "`";
    const std::string pad = tick || body.front() == ' ' || body.back() == ' ' ? " " : "";
    return fence + pad + body + pad + fence;
}

std::string mdCodes(const std::vector<std::string>& values)
{
    std::string s;
    for (const auto& v : values) {
        if (!s.empty())
            s += ", ";
        s += mdCode(v);
    }
    return s;
}

std::string html(std::string_view text)
{
    return xmlEscaped(text, XmlEscape::Attribute);
}

std::string heading(const TechniquePage& page)
{
    return page.techniqueName.empty() ? page.techniqueId : page.techniqueName + " " + page.techniqueId;
}

/// "Elastic 2 · Sigma 5" (empty when there is one vendor only and `always` is false).
std::string vendorCounts(const std::map<std::string, std::size_t>& counts, bool always = false)
{
    if (counts.size() < 2 && !always)
        return {};
    std::string out;
    for (const auto& [vendor, n] : counts)
        out += (out.empty() ? "" : " · ") + vendor + ' ' + std::to_string(n);
    return out;
}

/// "Elastic: process.executable, process.name; Splunk: Processes.process_path".
std::string nativeNamesText(const std::map<std::string, std::set<std::string>>& names)
{
    std::string out;
    for (const auto& [vendor, fields] : names) {
        out += (out.empty() ? "" : "; ") + vendor + ": ";
        bool first = true;
        for (const auto& f : fields) {
            out += (first ? "" : ", ") + f;
            first = false;
        }
    }
    return out;
}

std::map<std::string, std::vector<const TechniquePage::RuleRow*>> byVendor(const TechniquePage& page)
{
    std::map<std::string, std::vector<const TechniquePage::RuleRow*>> out;
    for (const auto& r : page.rules)
        out[r.vendor].push_back(&r);
    return out;
}

} // namespace

std::string techniquePageJson(const TechniquePage& page)
{
    ordered_json j;
    j["technique"] = {{"id", page.techniqueId}, {"name", page.techniqueName}};
    j["events"] = ordered_json::array();
    for (const auto& e : page.events)
        j["events"].push_back({{"provider", e.shortProvider()}, {"event_id", e.eventId}, {"title", e.title}});
    j["fields"] = ordered_json::array();
    for (const auto& f : page.fields) {
        ordered_json how = ordered_json::object();
        for (const auto& [k, n] : f.how)
            how[k] = n;
        ordered_json native = ordered_json::object();
        for (const auto& [vendor, names] : f.nativeNames)
            native[vendor] = std::vector<std::string>(names.begin(), names.end());
        j["fields"].push_back({{"field", f.field},
                               {"rules", f.rules},
                               {"rules_by_vendor", f.rulesByVendor},
                               {"native_names", native},
                               {"how", how},
                               {"samples", f.samples}});
    }
    j["indicators"] = ordered_json::array();
    for (const auto& i : page.indicators)
        j["indicators"].push_back({{"field", i.field},
                                   {"kind", indicatorKindName(i.kind)},
                                   {"value", i.value},
                                   {"rules_here", i.rulesHere},
                                   {"corpus_reach", i.corpusReach},
                                   {"reach_by_vendor", i.reachByVendor},
                                   {"excluded", i.excluded}});
    j["rules_by_vendor"] = page.rulesByVendor;
    j["rules"] = ordered_json::array();
    for (const auto& r : page.rules)
        j["rules"].push_back({{"vendor", r.vendor}, {"id", r.id}, {"title", r.title}, {"file", r.file}});
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string techniquePageMarkdown(const TechniquePage& page)
{
    std::ostringstream o;
    o << "# " << mdCell(heading(page)) << "\n\n";
    if (!page.tactics.empty())
        o << "Tactics: " << mdCell(joined(page.tactics)) << "\n\n";
    if (!page.known)
        o << "_This id is not in the ATT&CK table._\n\n";
    if (!page.revokedBy.empty())
        o << "_ATT&CK revoked this id; its successor is " << page.revokedBy << "._\n\n";
    if (!page.includesRevoked.empty())
        o << "Includes the rules tagged with revoked " << joined(page.includesRevoked) << ".\n\n";

    o << "## Events covered\n\n"
      << page.events.size() << " catalog event" << (page.events.size() == 1 ? " is" : "s are")
      << " covered by at least one rule tagged with this technique.\n\n";
    if (!page.events.empty()) {
        o << "| Provider | Event ID | Title |\n|---|---:|---|\n";
        for (const auto& e : page.events)
            o << "| " << mdCell(e.shortProvider()) << " | " << e.eventId << " | " << mdCell(e.title) << " |\n";
        o << '\n';
    }

    o << "## Fields filtered most (" << page.fields.size() << " distinct)\n\n"
      << "Field names are normalised across vendors (Sigma `Image`, Security `Application`, Elastic "
         "`process.executable`, Splunk `process_path` are one row). Each rule counts once per row.\n\n";
    if (!page.fields.empty()) {
        o << "| Field | Rules | By vendor | Native names | How | Sample values |\n|---|---:|---|---|---|---|\n";
        for (const auto& f : page.fields)
            o << "| " << mdCode(f.field) << " | " << f.rules << " | " << mdCell(vendorCounts(f.rulesByVendor, true))
              << " | " << mdCell(nativeNamesText(f.nativeNames)) << " | " << howText(f.how) << " | "
              << mdCodes(f.samples) << " |\n";
        o << '\n';
    }

    auto indicatorTable = [&](bool excluded) {
        std::size_t n = 0;
        for (const auto& i : page.indicators)
            n += i.excluded == excluded;
        if (!n)
            return;
        o << "### " << (excluded ? "Excludes" : "Looks for") << " (" << n << ")\n\n"
          << "| Field | Kind | Value | Rules (here) | Corpus reach | Reach by vendor |\n|---|---|---|---:|---:|---|\n";
        for (const auto& i : page.indicators) {
            if (i.excluded != excluded)
                continue;
            o << "| " << (i.field.empty() ? std::string("(keyword)") : mdCode(i.field)) << " | "
              << indicatorKindName(i.kind) << " | " << mdCode(i.value) << " | " << i.rulesHere << " | "
              << std::to_string(i.corpusReach) << " | " << mdCell(vendorCounts(i.reachByVendor, true)) << " |\n";
        }
        o << '\n';
    };
    o << "## Top indicator values (" << page.indicators.size() << " distinct, " << page.excludedIndicators()
      << " exclusions)\n\n"
      << "Corpus reach counts the rules of the whole corpus (any technique) with the same (field, kind, value); "
         "it equals Rules (here) when every use is under this technique.\n\n";
    indicatorTable(false);
    indicatorTable(true);

    o << "## Rules under this technique\n\n";
    if (!page.rulesByVendor.empty())
        o << page.rules.size() << " rule" << (page.rules.size() == 1 ? "" : "s") << ": "
          << mdCell(vendorCounts(page.rulesByVendor, true)) << ".\n\n";
    for (const auto& [vendor, rules] : byVendor(page)) {
        o << "### " << mdCell(vendor) << " (" << rules.size() << " rule" << (rules.size() == 1 ? "" : "s") << ")\n\n";
        for (const auto* r : rules) {
            o << "- **" << mdCell(r->title) << "**";
            if (!r->level.empty())
                o << " (" << mdCell(r->level) << ")";
            o << " — `" << r->file << "`";
            if (!r->id.empty())
                o << " — " << mdCell(r->id);
            o << '\n';
            if (!r->looksFor.empty())
                o << "  - looks for: " << mdCodes(r->looksFor) << '\n';
            if (!r->excludes.empty())
                o << "  - excludes: " << mdCodes(r->excludes) << '\n';
        }
        o << '\n';
    }
    return o.str();
}

std::string techniquePageHtml(const TechniquePage& page)
{
    std::ostringstream o;
    o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>"
      << html(heading(page)) << " — ATT&amp;CK coverage</title>\n<style>\n"
      << ":root{color-scheme:light dark;--fg:#1d1f23;--bg:#fff;--muted:#5c6370;--line:#dde1e6;--head:#f3f5f8;"
         "--ex:#b3261e;--ok:#1a7f37}\n"
         "@media (prefers-color-scheme:dark){:root{--fg:#e6e6e6;--bg:#16181d;--muted:#9aa0aa;--line:#2c313a;"
         "--head:#20242b;--ex:#ff8a80;--ok:#7ee2a8}}\n"
         "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:var(--fg);background:var(--bg);"
         "max-width:72rem;margin:2rem auto;padding:0 1rem}\n"
         "h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid var(--line)}"
         ".crumb,.note{color:var(--muted)}\n"
         "table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border-bottom:1px solid "
         "var(--line);padding:.3rem .6rem;text-align:left;vertical-align:top}th{background:var(--head)}"
         "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
         "code{font-family:ui-monospace,'Cascadia Code',Consolas,monospace;font-size:.92em;word-break:break-all}\n"
         ".ex{color:var(--ex)}.lf{color:var(--ok)}.tag{font-size:.8em;border:1px solid currentColor;"
         "border-radius:.6em;padding:0 .4em;margin-left:.3em}\n"
         "details{margin:.3rem 0}summary{cursor:pointer}\n"
         "</style>\n</head>\n<body>\n";
    o << "<p class=\"crumb\">ATT&amp;CK coverage › Technique</p>\n<h1>" << html(page.techniqueName) << " <code>"
      << html(page.techniqueId) << "</code></h1>\n";
    if (!page.tactics.empty())
        o << "<p class=\"note\">Tactics: " << html(joined(page.tactics)) << "</p>\n";
    if (!page.known)
        o << "<p class=\"note\">This id is not in the ATT&amp;CK table.</p>\n";
    if (!page.revokedBy.empty())
        o << "<p class=\"note\">ATT&amp;CK revoked this id; its successor is <code>" << html(page.revokedBy)
          << "</code>.</p>\n";
    if (!page.includesRevoked.empty())
        o << "<p class=\"note\">Includes the rules tagged with revoked " << html(joined(page.includesRevoked))
          << ".</p>\n";

    o << "<h2>Events covered</h2>\n<p>" << page.events.size() << " catalog event"
      << (page.events.size() == 1 ? " is" : "s are")
      << " covered by at least one rule tagged with this technique.</p>\n";
    if (!page.events.empty()) {
        o << "<table><thead><tr><th>Provider</th><th>Event ID</th><th>Title</th></tr></thead><tbody>\n";
        for (const auto& e : page.events)
            o << "<tr><td>" << html(e.shortProvider()) << "</td><td class=\"n\">" << e.eventId << "</td><td>"
              << html(e.title) << "</td></tr>\n";
        o << "</tbody></table>\n";
    }

    o << "<h2>Fields filtered most (" << page.fields.size() << " distinct)</h2>\n"
      << "<p class=\"note\">Field names are normalised across vendors: Sigma <code>Image</code>, Security "
         "<code>Application</code>, Elastic <code>process.executable</code> and Splunk <code>process_path</code> "
         "are one row. Each rule counts once per row.</p>\n";
    if (!page.fields.empty()) {
        o << "<table><thead><tr><th>Field</th><th>Rules</th><th>By vendor</th><th>Native names</th><th>How</th>"
             "<th>Sample values</th></tr></thead><tbody>\n";
        for (const auto& f : page.fields) {
            o << "<tr><td><code>" << html(f.field) << "</code></td><td class=\"n\">" << f.rules << "</td><td>"
              << html(vendorCounts(f.rulesByVendor, true)) << "</td><td><code>" << html(nativeNamesText(f.nativeNames))
              << "</code></td><td>" << html(howText(f.how)) << "</td><td>";
            for (std::size_t i = 0; i < f.samples.size(); ++i)
                o << (i ? ", " : "") << "<code>" << html(f.samples[i]) << "</code>";
            o << "</td></tr>\n";
        }
        o << "</tbody></table>\n";
    }

    o << "<h2>Top indicator values (" << page.indicators.size() << " distinct)</h2>\n"
      << "<p class=\"note\">Corpus reach counts the rules of the whole corpus (any technique) with the same "
         "(field, kind, value); a high number means the value is common and noisy on its own. It equals Rules "
         "(here) when every use is under this technique.</p>\n";
    for (bool excluded : {false, true}) {
        std::size_t n = 0;
        for (const auto& i : page.indicators)
            n += i.excluded == excluded;
        if (!n)
            continue;
        o << "<h3 class=\"" << (excluded ? "ex" : "lf") << "\">" << (excluded ? "Excludes" : "Looks for") << " (" << n
          << ")</h3>\n<table><thead><tr><th>Field</th><th>Kind</th><th>Value</th><th>Rules (here)</th>"
             "<th>Corpus reach</th><th>Reach by vendor</th></tr></thead><tbody>\n";
        for (const auto& i : page.indicators) {
            if (i.excluded != excluded)
                continue;
            o << "<tr><td><code>" << html(i.field.empty() ? "(keyword)" : i.field) << "</code></td><td>"
              << indicatorKindName(i.kind) << "</td><td><code>" << html(i.value) << "</code>";
            for (const auto& t : i.transformations)
                o << "<span class=\"tag\">" << html(t) << "</span>";
            o << "</td><td class=\"n\">" << i.rulesHere << "</td><td class=\"n\">" << std::to_string(i.corpusReach)
              << "</td><td>" << html(vendorCounts(i.reachByVendor, true)) << "</td></tr>\n";
        }
        o << "</tbody></table>\n";
    }

    o << "<h2>Rules under this technique</h2>\n";
    for (const auto& [vendor, rules] : byVendor(page)) {
        o << "<h3>" << html(vendor) << " <span class=\"note\">" << rules.size() << " rule"
          << (rules.size() == 1 ? "" : "s") << "</span></h3>\n";
        for (const auto* r : rules) {
            o << "<details><summary><strong>" << html(r->title) << "</strong>";
            if (!r->level.empty())
                o << "<span class=\"tag\">" << html(r->level) << "</span>";
            o << " <code class=\"note\">" << html(r->file) << "</code></summary>\n<ul>\n";
            if (!r->id.empty())
                o << "<li>id <code>" << html(r->id) << "</code></li>\n";
            for (const auto& s : r->looksFor)
                o << "<li class=\"lf\">looks for <code>" << html(s) << "</code></li>\n";
            for (const auto& s : r->excludes)
                o << "<li class=\"ex\">excludes <code>" << html(s) << "</code></li>\n";
            o << "</ul></details>\n";
        }
    }
    o << "<p class=\"note\">Generated by sigmawb. ATT&amp;CK® is a registered trademark of The MITRE "
         "Corporation.</p>\n</body>\n</html>\n";
    return o.str();
}

NavigatorTechniques navigatorTechniques(const Corpus& corpus)
{
    NavigatorTechniques out;
    for (const auto& [id, n] : corpus.techniqueCounts()) {
        std::string target = id;
        if (const attack::Technique* t = attack::findTechnique(id);
            t && t->status == attack::Technique::Status::Revoked && !t->currentId.empty()) {
            target = t->currentId;
            out.revokedFrom[target].insert(id);
        }
        const auto rules = corpus.rulesForTechnique(id);
        auto& v = out.rules[target];
        v.insert(v.end(), rules.begin(), rules.end());
    }
    for (auto& [id, rules] : out.rules) {
        std::sort(rules.begin(), rules.end());
        rules.erase(std::unique(rules.begin(), rules.end()), rules.end());
    }
    return out;
}

std::string navigatorLayerJson(const Corpus& corpus, const NavigatorOptions& options)
{
    const NavigatorTechniques nav = navigatorTechniques(corpus);
    const auto& byTechnique = nav.rules;
    const auto& revokedFrom = nav.revokedFrom;
    std::size_t maxScore = 0;
    for (const auto& [id, rules] : byTechnique)
        maxScore = std::max(maxScore, rules.size());

    ordered_json layer;
    layer["name"] = options.name;
    layer["versions"] = {{"attack", "19"}, {"navigator", "5.1.0"}, {"layer", "4.5"}};
    layer["domain"] = options.domain;
    layer["description"] = options.description.empty()
                               ? "Rules per ATT&CK technique (" + std::to_string(corpus.rules().size()) + " rules)"
                               : options.description;
    layer["sorting"] = 3; // by score, descending
    layer["layout"] = {{"layout", "side"},
                       {"aggregateFunction", "max"},
                       {"showID", true},
                       {"showName", true},
                       {"showAggregateScores", false},
                       {"countUnscored", false},
                       {"expandedSubtechniques", "annotated"}};
    layer["hideDisabled"] = false;
    ordered_json techniques = ordered_json::array();
    for (const auto& [id, rules] : byTechnique) {
        const auto next = byTechnique.lower_bound(id + ".");
        const bool hasSubs =
            id.find('.') == std::string::npos && next != byTechnique.end() && next->first.starts_with(id + ".");
        std::string comment;
        if (auto it = revokedFrom.find(id); it != revokedFrom.end()) {
            std::vector<std::string> ids(it->second.begin(), it->second.end());
            comment = "includes rules tagged with revoked " + joined(ids) + ". ";
        }
        for (std::size_t i = 0; i < rules.size() && i < 20; ++i)
            comment += (i ? "; " : "") + corpus.rules()[rules[i]].title;
        if (rules.size() > 20)
            comment += "; … (" + std::to_string(rules.size() - 20) + " more)";
        ordered_json t = {{"techniqueID", id},
                          {"score", rules.size()},
                          {"color", ""},
                          {"comment", comment},
                          {"enabled", true},
                          {"metadata", ordered_json::array()},
                          {"links", ordered_json::array()},
                          {"showSubtechniques", hasSubs}};
        techniques.push_back(std::move(t));
    }
    layer["techniques"] = std::move(techniques);
    layer["gradient"] = {{"colors", {"#ffffff", "#66b1ff", "#1f5fbf"}},
                         {"minValue", 0},
                         {"maxValue", std::max<std::size_t>(maxScore, 1)}};
    layer["legendItems"] = ordered_json::array();
    layer["metadata"] = ordered_json::array({{{"name", "rules"}, {"value", std::to_string(corpus.rules().size())}}});
    layer["links"] = ordered_json::array();
    layer["showTacticRowBackground"] = false;
    layer["tacticRowBackground"] = "#dddddd";
    layer["selectTechniquesAcrossTactics"] = true;
    layer["selectSubtechniquesWithParent"] = false;
    layer["selectVisibleTechniques"] = false;
    return layer.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

} // namespace sigma
