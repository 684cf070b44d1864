#pragma once

// Renderers of corpus analytics: technique pages to JSON / Markdown / a self-contained HTML
// page, and the ATT&CK Navigator layer (format 4.5) scored by rule count.

#include "corpus/technique.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace sigma {

/// The JSON of `sigmawb coverage --format json`:
/// {"technique": {"id", "name"}, "events": [{"provider", "event_id", "title"}],
///  "fields": [{"field", "rules", "how": {kind: count}, "samples": [...]}],
///  "indicators": [{"field", "kind", "value", "rules_here", "corpus_reach", "excluded"}],
///  "rules": [{"vendor", "id", "title", "file"}]}
/// corpus_reach is always the number, in every renderer and in the workbench (issue 20: one definition).
std::string techniquePageJson(const TechniquePage& page);
std::string techniquePageMarkdown(const TechniquePage& page);
/// A complete HTML document with inline CSS and no external resources.
std::string techniquePageHtml(const TechniquePage& page);

/// Rules per current ATT&CK technique id (revoked ids folded into their successors), as the
/// Navigator layer scores them.
struct NavigatorTechniques {
    std::map<std::string, std::vector<std::uint32_t>> rules;  ///< technique id -> rule indexes
    std::map<std::string, std::set<std::string>> revokedFrom; ///< technique id -> revoked ids folded in
};
NavigatorTechniques navigatorTechniques(const Corpus& corpus);

struct NavigatorOptions {
    std::string name = "Sigma rule coverage";
    std::string description;
    std::string domain = "enterprise-attack";
};

/// An ATT&CK Navigator layer (layer format 4.5): one entry per technique with rules, score = rule
/// count, comment listing the rule titles (truncated), gradient from 0 to the maximum. Rules tagged
/// with a revoked id count for its successor.
std::string navigatorLayerJson(const Corpus& corpus, const NavigatorOptions& options = {});

} // namespace sigma
