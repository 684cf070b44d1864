#include "corpus/corpus.h"

#include "corpus/vendorrule.h"

#include "engine/logsource.h"
#include "events/catalog.h"
#include "rule/parser.h"
#include "util/asciitext.h"
#include "util/fileio.h"
#include "util/parallel.h"

#include <algorithm>
#include <set>
#include <system_error>

namespace sigma {

std::string techniqueFromTag(std::string_view tag)
{
    constexpr std::string_view prefix = "attack.t";
    if (tag.size() < prefix.size() + 4 || asciiLowered(tag.substr(0, prefix.size())) != prefix)
        return {};
    auto rest = tag.substr(prefix.size());
    auto digits = [](std::string_view s) {
        return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (rest.size() == 4 && digits(rest))
        return "T" + std::string(rest);
    if (rest.size() == 8 && digits(rest.substr(0, 4)) && rest[4] == '.' && digits(rest.substr(5)))
        return "T" + std::string(rest);
    return {};
}

namespace {

/// EventIDs (and providers) a rule selects explicitly in searches it looks for.
void explicitSelectors(const Rule& rule, std::set<std::uint32_t>& eventIds, std::set<std::string>& providers)
{
    for (const auto& search : rule.detection) {
        if (isExcludedIdentifier(rule, search.name))
            continue;
        for (const auto& map : search.maps)
            for (const auto& item : map.items) {
                if (item.isKeyword || !item.modifiers.empty())
                    continue;
                const auto field = asciiLowered(item.field);
                for (const auto& v : item.values) {
                    if (field == "eventid") {
                        std::uint32_t id = 0;
                        bool ok = !v.text.empty() && v.text.size() < 10;
                        for (char c : v.text) {
                            ok = ok && c >= '0' && c <= '9';
                            id = id * 10 + static_cast<std::uint32_t>(c - '0');
                        }
                        if (ok)
                            eventIds.insert(id);
                    } else if (field == "provider_name" && !v.text.empty()) {
                        providers.insert(v.text);
                    }
                }
            }
    }
}

/// The provider that writes a channel, when the catalog does not say: the part before '/' of
/// "Provider/Log" channels, and Security-Auditing for "Security".
std::string providerOfChannel(const std::string& channel)
{
    if (asciiLowered(channel) == "security")
        return "Microsoft-Windows-Security-Auditing";
    const auto slash = channel.find('/');
    return slash == std::string::npos ? channel : channel.substr(0, slash);
}

CatalogEventRef makeRef(const std::string& provider, const std::string& channel, std::uint32_t id)
{
    CatalogEventRef ref;
    ref.eventId = id;
    const CatalogEntry* entry = EventCatalog::find(provider, static_cast<int>(id), provider.empty() ? channel : "");
    if (!entry && provider.empty())
        entry = EventCatalog::find(providerOfChannel(channel), static_cast<int>(id));
    ref.provider = entry ? entry->provider : (provider.empty() ? providerOfChannel(channel) : provider);
    if (entry)
        ref.title = entry->title;
    return ref;
}

} // namespace

std::vector<CatalogEventRef> catalogEventsFor(const LogSource& logsource, const std::set<std::uint32_t>& ids,
                                              const std::set<std::string>& providers)
{
    bool known = false;
    auto rows = LogSourceTable::builtin().lookup(asciiLowered(logsource.product), asciiLowered(logsource.category),
                                                 asciiLowered(logsource.service), known);
    std::vector<CatalogEventRef> out;
    auto add = [&](CatalogEventRef ref) {
        if (std::find(out.begin(), out.end(), ref) == out.end())
            out.push_back(std::move(ref));
    };
    for (const auto* row : rows) {
        // Security 5156 stands for network_connection only when the engine is asked to translate it.
        if (row->translation == SourceTranslation::Security5156)
            continue;
        if (!ids.empty()) {
            for (auto id : ids)
                if (row->eventIds.empty() ||
                    std::find(row->eventIds.begin(), row->eventIds.end(), id) != row->eventIds.end())
                    add(makeRef(row->provider, row->channel, id));
        } else {
            for (auto id : row->eventIds)
                add(makeRef(row->provider, row->channel, id));
        }
    }
    if (rows.empty() && !ids.empty())
        for (const auto& p : providers)
            for (auto id : ids)
                add(makeRef(p, {}, id));
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<CatalogEventRef> ruleCatalogEvents(const Rule& rule)
{
    std::set<std::uint32_t> ids;
    std::set<std::string> providers;
    explicitSelectors(rule, ids, providers);
    return catalogEventsFor(rule.logsource, ids, providers);
}

FieldScope fieldScopeOf(const Rule& rule)
{
    FieldScope scope;
    scope.category = rule.logsource.category;
    for (const auto& e : ruleCatalogEvents(rule))
        scope.events.push_back(e.key());
    return scope;
}

std::vector<Indicator> ruleIndicators(const Rule& rule, const FieldMap* fieldMap)
{
    IndicatorOptions io;
    io.fieldMap = fieldMap;
    io.scope = fieldScopeOf(rule);
    return extractIndicators(rule, io);
}

namespace {

struct Slot {
    ParsedFile parsed;
    std::vector<CorpusRule> rules;
    bool broken = false;
    bool skipped = false; ///< not a rule (Splunk macros, data sources), or a deprecated vendor rule
};

CorpusRule makeCorpusRule(const Rule& rule, const Document& doc, const std::string& file, const std::string& relative,
                          const LoadOptions& options)
{
    CorpusRule cr;
    cr.file = file;
    cr.relativePath = relative;
    cr.documentIndex = doc.index;
    cr.vendor = options.vendor;
    cr.id = rule.id;
    cr.title = rule.title;
    cr.level = rule.level;
    cr.status = rule.status;
    cr.author = rule.author;
    cr.logsource = rule.logsource;
    for (const auto& tag : rule.tags) {
        auto t = techniqueFromTag(tag);
        if (!t.empty() && std::find(cr.techniques.begin(), cr.techniques.end(), t) == cr.techniques.end())
            cr.techniques.push_back(t);
    }
    cr.events = ruleCatalogEvents(rule);
    IndicatorOptions io;
    io.fieldMap = options.fieldMap;
    io.scope.category = rule.logsource.category;
    for (const auto& e : cr.events)
        io.scope.events.push_back(e.key());
    cr.indicators = extractIndicators(rule, io);
    cr.rule = std::make_shared<const Rule>(rule);
    return cr;
}

} // namespace

Corpus Corpus::load(const std::filesystem::path& root, const LoadOptions& options)
{
    return load(std::vector<std::filesystem::path>{root}, options);
}

namespace {

struct CorpusFile {
    std::filesystem::path path;
    std::size_t root = 0; ///< index into the roots: relative paths are relative to it
};

/// Elastic's rules/_deprecated/ holds retired rules.
bool inDeprecatedFolder(const std::filesystem::path& relative)
{
    for (const auto& part : relative)
        if (part == "_deprecated")
            return true;
    return false;
}

/// Splunk macros for SPL: the macros/ folders of the roots and of their nearest ancestor with one
/// (a corpus loaded from detections/endpoint still finds ../../macros).
std::shared_ptr<SplMacros> findSplMacros(const std::vector<std::filesystem::path>& roots, Diagnostics& diagnostics)
{
    namespace fs = std::filesystem;
    auto macros = std::make_shared<SplMacros>();
    std::set<fs::path> seen;
    for (const auto& root : roots) {
        std::error_code ec;
        fs::path dir = fs::is_directory(root, ec) ? root : root.parent_path();
        dir = fs::absolute(dir, ec);
        for (int up = 0; up < 4 && !dir.empty(); ++up) {
            const fs::path candidate = dir / "macros";
            if (fs::is_directory(candidate, ec)) {
                if (seen.insert(candidate).second)
                    macros->addFolder(candidate, &diagnostics);
                break;
            }
            if (dir == dir.parent_path())
                break;
            dir = dir.parent_path();
        }
    }
    return macros;
}

} // namespace

Corpus Corpus::load(const std::vector<std::filesystem::path>& roots, const LoadOptions& options)
{
    namespace fs = std::filesystem;
    Corpus corpus;
    corpus.m_roots = roots;
    if (!roots.empty())
        corpus.m_root = roots.front();

    std::vector<CorpusFile> files;
    std::vector<fs::path> bases;
    auto wanted = [&](const fs::path& p) {
        auto ext = asciiLowered(p.extension().string());
        return std::find(options.extensions.begin(), options.extensions.end(), ext) != options.extensions.end();
    };
    for (std::size_t r = 0; r < roots.size(); ++r) {
        const fs::path& root = roots[r];
        std::error_code ec;
        bases.push_back(fs::is_directory(root, ec) ? root : root.parent_path());
        const std::size_t before = files.size();
        if (fs::is_regular_file(root, ec)) {
            files.push_back({root, r});
        } else if (fs::is_directory(root, ec)) {
            for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
                 !ec && it != end; it.increment(ec)) {
                std::error_code fe;
                if (it->is_regular_file(fe) && wanted(it->path()))
                    files.push_back({it->path(), r});
            }
            if (ec)
                corpus.m_diagnostics.push_back(
                    {Severity::Error, "io-error", "cannot list the folder: " + ec.message(), root.string(), {}});
        } else {
            corpus.m_diagnostics.push_back({Severity::Error, "io-error", "no such file or folder", root.string(), {}});
        }
        std::sort(files.begin() + static_cast<std::ptrdiff_t>(before), files.end(),
                  [](const CorpusFile& a, const CorpusFile& b) { return a.path < b.path; });
    }

    std::shared_ptr<const SplMacros> macros;
    if (options.detectVendors)
        macros = options.splMacros
                     ? std::shared_ptr<const SplMacros>(std::shared_ptr<const SplMacros>{}, options.splMacros)
                     : findSplMacros(roots, corpus.m_diagnostics);
    VendorReadOptions vendorOptions;
    vendorOptions.splMacros = macros.get();
    vendorOptions.fieldMap = options.fieldMap;
    vendorOptions.includeDeprecated = options.includeDeprecated;

    std::vector<Slot> slots(files.size());

    auto readOne = [&](std::size_t i) {
        Slot& slot = slots[i];
        const fs::path& path = files[i].path;
        const std::string file = path.string();
        // Lexical: fs::relative would resolve symlinks with a readlink per path component.
        const auto rel = path.lexically_relative(bases[files[i].root]);
        const std::string relative = rel.empty() ? file : rel.generic_string();
        std::string text;
        std::string error;
        std::error_code se;
        const auto size = fs::file_size(path, se);
        const bool readable = !se && size <= ParseOptions{}.maxBytes && readWholeFile(file, text, error);
        RuleFileKind kind = RuleFileKind::Sigma;
        if (options.detectVendors && readable)
            kind = detectRuleFile(path, text);
        if (kind == RuleFileKind::Elastic || kind == RuleFileKind::Splunk) {
            if (kind == RuleFileKind::Elastic && !options.includeDeprecated && inDeprecatedFolder(rel)) {
                slot.skipped = true;
                return;
            }
            VendorFileResult r = kind == RuleFileKind::Elastic ? readElasticRule(file, text, vendorOptions)
                                                               : readSplunkRule(file, text, vendorOptions);
            slot.broken = r.broken;
            slot.skipped = r.skipped;
            slot.parsed.diagnostics = std::move(r.diagnostics);
            for (auto& cr : r.rules) {
                cr.relativePath = relative;
                slot.rules.push_back(std::move(cr));
            }
            return;
        }
        if (kind == RuleFileKind::SplunkMacro || kind == RuleFileKind::NotARule) {
            slot.skipped = true;
            return;
        }
        slot.parsed = readable ? parseRuleText(std::move(text), file) : parseRuleFile(file);
        slot.broken = hasErrors(slot.parsed.diagnostics);
        if (!slot.broken)
            for (const auto& doc : slot.parsed.documents)
                if (const Rule* rule = doc.rule())
                    slot.rules.push_back(makeCorpusRule(*rule, doc, file, relative, options));
        // Only diagnostics are kept; the model lives on in CorpusRule::rule.
        slot.parsed.documents.clear();
        slot.parsed.text.clear();
        slot.parsed.text.shrink_to_fit();
    };

    ParallelOptions parallel;
    parallel.threads = options.threads;
    parallel.cancel = options.cancel;
    parallel.progress = options.progress;
    const ParallelRun run = parallelFor(
        files.size(),
        [&](std::size_t begin, std::size_t end, unsigned) {
            for (std::size_t i = begin; i < end; ++i)
                readOne(i);
        },
        parallel);

    corpus.m_cancelled = run.stopped;
    if (!run.error.empty()) // e.g. out of memory: said, never thrown
        corpus.m_diagnostics.push_back(
            Diagnostic{Severity::Error, "internal-error", "reading stopped: " + run.error, std::string(), {}});
    corpus.m_filesScanned = run.done;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        auto& slot = slots[i];
        if (slot.skipped) {
            ++corpus.m_filesSkipped;
            continue;
        }
        if (slot.broken) {
            corpus.m_brokenFiles.push_back(files[i].path.string());
            for (auto& d : slot.parsed.diagnostics)
                if (d.severity == Severity::Error) {
                    if (d.file.empty())
                        d.file = files[i].path.string();
                    corpus.m_diagnostics.push_back(std::move(d));
                }
            continue;
        }
        for (auto& d : slot.parsed.diagnostics)
            if (d.code == "query-not-analysed")
                corpus.m_diagnostics.push_back(std::move(d));
        for (auto& r : slot.rules) {
            corpus.m_rules.push_back(std::move(r));
            corpus.index(static_cast<std::uint32_t>(corpus.m_rules.size() - 1));
        }
    }
    return corpus;
}

void Corpus::addRule(std::shared_ptr<const Rule> rule, std::string file, const LoadOptions& options)
{
    if (!rule)
        return;
    Document doc;
    auto cr = makeCorpusRule(*rule, doc, file, file, options);
    cr.rule = std::move(rule);
    m_rules.push_back(std::move(cr));
    index(static_cast<std::uint32_t>(m_rules.size() - 1));
}

void Corpus::index(std::uint32_t ruleIndex)
{
    const CorpusRule& r = m_rules[ruleIndex];
    for (const auto& ind : r.indicators) {
        auto& stats = m_indicators[ind.key()];
        if (stats.rules.empty()) {
            stats.field = ind.field;
            stats.kind = ind.kind;
            stats.value = ind.value;
        }
        if (stats.rules.empty() || stats.rules.back() != ruleIndex)
            stats.rules.push_back(ruleIndex);
    }
    for (const auto& t : r.techniques) {
        auto& v = m_techniques[t];
        if (v.empty() || v.back() != ruleIndex)
            v.push_back(ruleIndex);
    }
}

std::size_t Corpus::reach(const std::string& indicatorKey) const
{
    auto it = m_indicators.find(indicatorKey);
    return it == m_indicators.end() ? 0 : it->second.rules.size();
}

std::map<std::string, std::size_t> Corpus::reachByVendor(const std::string& indicatorKey) const
{
    std::map<std::string, std::size_t> out;
    if (const IndicatorStats* stats = indicatorStats(indicatorKey))
        for (const std::uint32_t ri : stats->rules)
            ++out[m_rules[ri].vendor];
    return out;
}

std::size_t Corpus::reachExcludingFile(const Indicator& indicator, const std::string& file) const
{
    const IndicatorStats* stats = indicatorStats(indicator.key());
    if (!stats)
        return 0;
    std::error_code ec;
    const auto target = std::filesystem::weakly_canonical(file, ec);
    std::size_t n = 0;
    for (auto i : stats->rules) {
        const auto& f = m_rules[i].file;
        std::error_code fe;
        n += !(f == file || (!ec && std::filesystem::weakly_canonical(f, fe) == target));
    }
    return n;
}

const IndicatorStats* Corpus::indicatorStats(const std::string& indicatorKey) const
{
    auto it = m_indicators.find(indicatorKey);
    return it == m_indicators.end() ? nullptr : &it->second;
}

std::vector<std::uint32_t> Corpus::rulesForTechnique(std::string_view technique, bool includeSubtechniques) const
{
    const std::string id = asciiUppered(technique);
    std::vector<std::uint32_t> out;
    if (auto it = m_techniques.find(id); it != m_techniques.end())
        out = it->second;
    if (includeSubtechniques && id.find('.') == std::string::npos) {
        for (auto it = m_techniques.lower_bound(id + "."); it != m_techniques.end() && it->first.starts_with(id + ".");
             ++it)
            out.insert(out.end(), it->second.begin(), it->second.end());
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
    }
    return out;
}

std::map<std::string, std::size_t> Corpus::techniqueCounts() const
{
    std::map<std::string, std::size_t> out;
    for (const auto& [id, rules] : m_techniques)
        out[id] = rules.size();
    return out;
}

} // namespace sigma
