#include "corpus/technique.h"

#include "rule/attack.h"
#include "util/asciitext.h"

#include <algorithm>
#include <set>
#include <unordered_map>

namespace sigma {

std::size_t TechniquePage::excludedIndicators() const
{
    return static_cast<std::size_t>(
        std::count_if(indicators.begin(), indicators.end(), [](const IndicatorRow& r) { return r.excluded; }));
}

bool lookupTechnique(std::string_view techniqueId, std::string* name, std::vector<std::string>* tactics)
{
    const attack::Technique* t = attack::findTechnique(techniqueId);
    if (!t)
        return false;
    if (name)
        *name = t->name;
    if (tactics)
        *tactics = t->tactics;
    return true;
}

std::vector<std::string> revokedInto(std::string_view techniqueId)
{
    std::vector<std::string> out;
    const std::string id = asciiLowered(techniqueId);
    for (const auto& t : attack::techniques())
        if (t.status == attack::Technique::Status::Revoked && asciiLowered(t.currentId) == id &&
            asciiLowered(t.id) != id)
            out.push_back(t.id);
    return out;
}

namespace {

std::string describe(const Indicator& ind)
{
    std::string s = ind.field.empty() ? std::string("(keyword)") : ind.field;
    s += ' ';
    s += indicatorKindName(ind.kind);
    if (ind.kind != IndicatorKind::Null) {
        s += ' ';
        s += ind.value;
    }
    return s;
}

} // namespace

TechniquePage buildTechniquePage(const Corpus& corpus, std::string_view techniqueId,
                                 const TechniquePageOptions& options)
{
    TechniquePage page;
    page.techniqueId = asciiUppered(techniqueId);
    page.known = lookupTechnique(page.techniqueId, &page.techniqueName, &page.tactics);

    if (const attack::Technique* t = attack::findTechnique(page.techniqueId);
        t && t->status == attack::Technique::Status::Revoked)
        page.revokedBy = t->currentId;

    auto ruleIndexes = corpus.rulesForTechnique(page.techniqueId, options.includeSubtechniques);
    if (options.followRevocations) {
        for (const auto& old : revokedInto(page.techniqueId)) {
            const auto more = corpus.rulesForTechnique(old, options.includeSubtechniques);
            if (more.empty())
                continue;
            page.includesRevoked.push_back(old);
            ruleIndexes.insert(ruleIndexes.end(), more.begin(), more.end());
        }
        std::sort(ruleIndexes.begin(), ruleIndexes.end());
        ruleIndexes.erase(std::unique(ruleIndexes.begin(), ruleIndexes.end()), ruleIndexes.end());
    }

    struct FieldAcc {
        std::string field;
        std::set<std::uint32_t> rules;
        std::map<std::string, std::set<std::uint32_t>> how;
        std::map<std::string, std::set<std::uint32_t>> values; ///< folded value -> rules
        std::map<std::string, std::string> valueText;          ///< folded value -> as first seen
        std::vector<std::string> valueOrder;
        std::map<std::string, std::set<std::uint32_t>> byVendor;
        std::map<std::string, std::set<std::string>> nativeNames;
    };
    struct IndAcc {
        std::string field;
        IndicatorKind kind{};
        std::string value;
        std::set<std::uint32_t> rules;
        bool anyLooksFor = false;
        std::set<std::string> transformations;
        std::size_t order = 0;
    };
    std::vector<FieldAcc> fields;
    std::unordered_map<std::string, std::size_t> fieldIndex;
    std::vector<IndAcc> inds;
    std::unordered_map<std::string, std::size_t> indIndex;
    std::set<CatalogEventRef> events;

    for (auto ri : ruleIndexes) {
        const CorpusRule& r = corpus.rules()[ri];
        for (const auto& e : r.events)
            events.insert(e);
        TechniquePage::RuleRow row;
        row.vendor = r.vendor;
        row.id = r.id;
        row.title = r.title;
        row.file = r.relativePath;
        row.level = r.level;
        std::set<std::string> seenLooks, seenExcl;
        for (const auto& ind : r.indicators) {
            const std::string key = ind.key();
            auto [it, inserted] = indIndex.try_emplace(key, inds.size());
            if (inserted) {
                IndAcc acc;
                acc.field = ind.field;
                acc.kind = ind.kind;
                acc.value = ind.value;
                acc.order = inds.size();
                inds.push_back(std::move(acc));
            }
            IndAcc& ia = inds[it->second];
            ia.rules.insert(ri);
            ia.anyLooksFor = ia.anyLooksFor || !ind.excluded;
            ia.transformations.insert(ind.transformations.begin(), ind.transformations.end());

            const std::string d = describe(ind);
            if (ind.excluded) {
                if (seenExcl.insert(key).second)
                    row.excludes.push_back(d);
            } else if (seenLooks.insert(key).second) {
                row.looksFor.push_back(d);
            }

            if (ind.field.empty())
                continue; // keywords have no field row
            auto [fit, finserted] = fieldIndex.try_emplace(asciiLowered(ind.field), fields.size());
            if (finserted) {
                FieldAcc fa;
                fa.field = ind.field;
                fields.push_back(std::move(fa));
            }
            FieldAcc& fa = fields[fit->second];
            fa.rules.insert(ri);
            fa.byVendor[r.vendor].insert(ri);
            if (!ind.writtenField.empty() && !asciiEqualsIgnoringCase(ind.writtenField, fa.field))
                fa.nativeNames[r.vendor].insert(ind.writtenField);
            fa.how[indicatorKindName(ind.kind)].insert(ri);
            if (ind.kind != IndicatorKind::Null && ind.kind != IndicatorKind::Exists) {
                const std::string folded = ind.cased ? ind.value : asciiLowered(ind.value);
                if (!fa.values.count(folded)) {
                    fa.valueText[folded] = ind.value;
                    fa.valueOrder.push_back(folded);
                }
                fa.values[folded].insert(ri);
            }
        }
        ++page.rulesByVendor[row.vendor];
        page.rules.push_back(std::move(row));
    }

    page.events.assign(events.begin(), events.end());
    std::stable_sort(page.events.begin(), page.events.end(), [](const auto& a, const auto& b) {
        const auto pa = asciiLowered(a.shortProvider()), pb = asciiLowered(b.shortProvider());
        return pa != pb ? pa < pb : a.eventId < b.eventId;
    });

    for (auto& fa : fields) {
        TechniquePage::FieldRow row;
        row.field = fa.field;
        row.rules = fa.rules.size();
        for (const auto& [kind, rules] : fa.how)
            row.how[kind] = rules.size();
        for (const auto& [vendor, rules] : fa.byVendor)
            row.rulesByVendor[vendor] = rules.size();
        row.nativeNames = std::move(fa.nativeNames);
        std::vector<std::string> order = fa.valueOrder;
        std::stable_sort(order.begin(), order.end(), [&](const std::string& a, const std::string& b) {
            return fa.values[a].size() > fa.values[b].size();
        });
        for (std::size_t i = 0; i < order.size() && i < options.maxSamples; ++i)
            row.samples.push_back(fa.valueText[order[i]]);
        page.fields.push_back(std::move(row));
    }
    std::stable_sort(page.fields.begin(), page.fields.end(),
                     [](const auto& a, const auto& b) { return a.rules > b.rules; });

    for (auto& ia : inds) {
        TechniquePage::IndicatorRow row;
        row.field = ia.field;
        row.kind = ia.kind;
        row.value = ia.value;
        row.rulesHere = ia.rules.size();
        row.excluded = !ia.anyLooksFor;
        row.transformations.assign(ia.transformations.begin(), ia.transformations.end());
        page.indicators.push_back(std::move(row));
    }
    // Corpus reach by the index keys (the accumulators are in key order of first use).
    for (const auto& [key, idx] : indIndex) {
        page.indicators[idx].key = key;
        page.indicators[idx].corpusReach = corpus.reach(key);
        page.indicators[idx].reachByVendor = corpus.reachByVendor(key);
        page.indicators[idx].specificHere = page.indicators[idx].corpusReach <= page.indicators[idx].rulesHere;
    }
    std::stable_sort(page.indicators.begin(), page.indicators.end(), [](const auto& a, const auto& b) {
        if (a.rulesHere != b.rulesHere)
            return a.rulesHere > b.rulesHere;
        if (a.excluded != b.excluded)
            return !a.excluded;
        return a.corpusReach > b.corpusReach;
    });

    std::stable_sort(page.rules.begin(), page.rules.end(), [](const auto& a, const auto& b) {
        return a.vendor != b.vendor ? a.vendor < b.vendor : a.title < b.title;
    });
    return page;
}

} // namespace sigma
