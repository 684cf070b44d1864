// Reading filter documents (title, logsource, filter: rules, selection, condition).
#include "rule/converter.h"

namespace sigma::reader {

Filter Converter::filter(const Entries& entries, const Node* root)
{
    Filter f;
    const SourceSpan docStart{m_lines.pos(root->begin), m_lines.pos(root->begin)};
    bool haveTitle = false, haveLogsource = false;
    for (const auto& [k, v] : entries) {
        const std::string& key = k->value;
        recordSpans(f, k, v);
        if (key == "title")
            haveTitle = scalarText(v, key, f.title);
        else if (key == "id")
            scalarText(v, key, f.id);
        else if (key == "name")
            scalarText(v, key, f.name);
        else if (key == "description")
            scalarText(v, key, f.description);
        else if (key == "logsource") {
            f.logsource = logsource(v);
            haveLogsource = true;
        } else if (key == "filter") {
            if (v->kind == NodeKind::Map) {
                bool haveRules = false;
                for (const auto& [fk, fv] : mapEntries(v)) {
                    if (fk->value == "rules") {
                        f.rules = fv->kind == NodeKind::Scalar ? std::vector<std::string>{fv->value}
                                                               : stringList(fv, "rules");
                        haveRules = true;
                    }
                }
                if (!haveRules)
                    error("missing-filter-rules", "the filter has no 'rules' (rule ids or names)", span(k));
            }
            detection(v, f.detection, f.conditions, nullptr, {"rules"}, span(k));
        } else
            f.custom.push_back(custom(k, v));
    }
    if (!haveTitle)
        error("missing-title", "the filter has no 'title'", docStart);
    if (!haveLogsource)
        error("missing-logsource", "the filter has no 'logsource'", docStart);
    return f;
}

} // namespace sigma::reader
