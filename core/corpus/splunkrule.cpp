// Splunk security_content detections (YAML through the project's own tree reader, so the search
// scalar's bytes map back to the file through YAML quoting and folding).

#include "corpus/vendorindicators.h"
#include "corpus/vendorrulesupport.h"
#include "events/catalog.h"
#include "rule/yamltree.h"

namespace sigma {

namespace {

const yamltree::Node* member(const yamltree::Node* map, std::string_view key)
{
    if (!map || map->kind != yamltree::Node::Kind::Map)
        return nullptr;
    for (std::size_t i = 0; i + 1 < map->children.size(); i += 2)
        if (map->children[i]->kind == yamltree::Node::Kind::Scalar && map->children[i]->value == key)
            return map->children[i + 1];
    return nullptr;
}

std::string scalar(const yamltree::Node* map, std::string_view key)
{
    const auto* n = member(map, key);
    return n && n->kind == yamltree::Node::Kind::Scalar ? n->value : std::string();
}

std::vector<std::string> scalars(const yamltree::Node* n)
{
    std::vector<std::string> out;
    if (!n)
        return out;
    if (n->kind == yamltree::Node::Kind::Scalar) {
        out.push_back(n->value);
    } else if (n->kind == yamltree::Node::Kind::Sequence) {
        for (const auto* c : n->children)
            if (c->kind == yamltree::Node::Kind::Scalar)
                out.push_back(c->value);
    }
    return out;
}

} // namespace

VendorFileResult readSplunkRule(const std::string& file, std::string_view text, const VendorReadOptions& options)
{
    VendorFileResult result;
    const yamltree::LineIndex lines(text);
    const yamltree::Tree tree = yamltree::parse(text, lines, yamltree::Limits{}, file);
    for (const auto& d : tree.diagnostics)
        result.diagnostics.push_back(d);
    if (hasErrors(tree.diagnostics) || tree.documents.empty() || !tree.documents.front().root) {
        result.broken = true;
        if (result.diagnostics.empty())
            result.diagnostics.push_back(
                makeDiagnostic(Severity::Error, "splunk-rule", "empty detection file", file, {{1, 1}, {1, 2}}));
        return result;
    }
    const yamltree::Node* root = tree.documents.front().root;
    const yamltree::Node* search = member(root, "search");
    if (!search || search->kind != yamltree::Node::Kind::Scalar) {
        result.broken = true;
        result.diagnostics.push_back(makeDiagnostic(Severity::Error, "splunk-rule", "the detection has no search", file,
                                                    {lines.pos(root->begin), lines.pos(root->begin + 1)}));
        return result;
    }
    const std::string status = scalar(root, "status");
    if (!options.includeDeprecated && status == "deprecated") {
        result.skipped = true;
        return result;
    }

    auto vr = std::make_shared<VendorRule>();
    vr->vendor = RuleVendor::Splunk;
    vr->ruleType = scalar(root, "type");
    vr->dataSources = scalars(member(root, "data_source"));
    vr->hasQuery = true;
    vr->languageName = "spl";
    vr->query = search->value;

    CorpusRule cr;
    cr.file = file;
    cr.vendor = ruleVendorName(RuleVendor::Splunk);
    cr.id = scalar(root, "id");
    cr.title = scalar(root, "name");
    cr.status = status;
    cr.author = scalar(root, "author");
    const yamltree::Node* tags = member(root, "tags");
    for (const auto& t : scalars(member(tags, "mitre_attack_id")))
        vendorrule::addTechnique(cr, t);

    QuerySource source(vr->query, file, text, yamltree::scalarOffsets(*search, text));
    vr->querySpan = source.span(0, vr->query.size());
    vr->parsed = parseSpl(source, options.splMacros);
    for (const auto& d : vr->parsed.diagnostics)
        if (d.severity == Severity::Error)
            result.diagnostics.push_back(vendorrule::notAnalysedWarning(d));

    vendorrule::Evidence ev = vendorrule::evidenceOf(vr->parsed);
    for (const auto& s : vr->parsed.sources)
        if (auto c = sigmaCategoryOfDatamodel(s); !c.empty())
            ev.sigmaCategories.insert(c);
    for (const auto& ds : vr->dataSources) {
        const CatalogEventRef ref = catalogEventOfSplunkDataSource(ds);
        if (ref.provider.empty())
            continue;
        ev.explicitEvents.insert(ref);
        vr->os = "windows";
        if (const CatalogEntry* entry = EventCatalog::find(ref.provider, static_cast<int>(ref.eventId));
            entry && !entry->logsource.empty()) {
            const auto slash = entry->logsource.find('/');
            const std::string category =
                slash == std::string::npos ? entry->logsource : entry->logsource.substr(slash + 1);
            if (ev.sigmaCategories.empty() || ev.sigmaCategories.count(category))
                ev.sigmaCategories.insert(category);
        }
    }
    // the data sources name the events; the EventCodes in the search only narrow them
    ev.eventCodes.clear();
    vendorrule::finish(cr, *vr, ev, options);
    if (vr->os != "windows")
        cr.events.clear();
    cr.vendorRule = std::move(vr);
    result.rules.push_back(std::move(cr));
    return result;
}

} // namespace sigma
