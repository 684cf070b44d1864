#include "validation/manifest.h"

#include "util/fileio.h"
#include "util/yamlwriter.h"

// Writing test manifests (the beside form for one rule, the folder form with `tests:`).

namespace sigma {

namespace {

void writeGroup(std::string& out, const RuleTests& g, const std::string& indent, bool writeRule)
{
    // `indent` applies to every line after the first (the first is placed by the caller).
    bool first = true;
    auto line = [&](const std::string& text) {
        out += first ? "" : indent;
        out += text;
        out += '\n';
        first = false;
    };
    if (writeRule && !g.rule.empty())
        line("rule: " + yaml::scalar(g.rule));
    if (!g.name.empty())
        line("name: " + yaml::scalar(g.name));
    if (!g.scopeByLogSource)
        line("scope_by_logsource: false");
    if (g.translateSecurity5156)
        line("translate_security_5156: true");
    if (!g.correlation.empty())
        line("correlation: " + yaml::scalar(g.correlation));
    for (ExpectationKind kind : {ExpectationKind::Match, ExpectationKind::NoMatch, ExpectationKind::Baseline}) {
        bool any = false;
        for (const auto& e : g.expectations) {
            if (e.kind != kind)
                continue;
            if (!any)
                line(std::string(expectationKindName(kind)) + ':');
            any = true;
            const bool shortForm = !e.embedded() && e.name.empty() && !e.count && !e.atLeast && e.recordIds.empty() &&
                                   e.group.empty() && (kind != ExpectationKind::Baseline || e.maxHits == 0);
            if (shortForm) {
                line("  - " + yaml::scalar(e.file));
                continue;
            }
            const std::string sub = indent + "    ";
            out += first ? "" : indent;
            out += "  - ";
            first = false;
            bool firstKey = true;
            auto key = [&](const std::string& text) {
                out += firstKey ? "" : sub;
                out += text;
                out += '\n';
                firstKey = false;
            };
            if (!e.name.empty())
                key("name: " + yaml::scalar(e.name));
            if (!e.embedded())
                key("file: " + yaml::scalar(e.file));
            if (e.count)
                key("count: " + std::to_string(*e.count));
            if (e.atLeast)
                key("at_least: " + std::to_string(*e.atLeast));
            if (!e.recordIds.empty()) {
                std::string ids;
                for (auto id : e.recordIds)
                    ids += (ids.empty() ? "" : ", ") + std::to_string(id);
                key("record_ids: [" + ids + "]");
            }
            if (!e.group.empty()) {
                key("group:");
                for (const auto& [f, v] : e.group)
                    out += sub + "  " + yaml::scalar(f) + ": " + yaml::scalar(v) + '\n';
            }
            if (kind == ExpectationKind::Baseline)
                key("max_hits: " + std::to_string(e.maxHits));
            if (e.embedded()) {
                out += firstKey ? "" : sub;
                out += "xml: ";
                firstKey = false;
                yaml::appendLiteralBlock(out, e.xml, sub + "  ");
            }
        }
    }
}

} // namespace

std::string manifestToYaml(const TestManifest& manifest)
{
    std::string out = "# Sigma Workbench test manifest (docs/test-manifests.md)\n";
    if (!manifest.folderForm && manifest.rules.size() == 1) {
        writeGroup(out, manifest.rules.front(), "", true);
        return out;
    }
    out += "tests:\n";
    for (const auto& g : manifest.rules) {
        out += "  - ";
        writeGroup(out, g, "    ", true);
    }
    return out;
}

bool saveManifest(const TestManifest& manifest, const std::string& path, std::string& error)
{
    return writeFileAtomically(path, manifestToYaml(manifest), error);
}

} // namespace sigma
