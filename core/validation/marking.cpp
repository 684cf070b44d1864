#include "validation/marking.h"

#include "util/fileio.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace fs = std::filesystem;

namespace sigma {

namespace {

constexpr const char* kBaselineFile = "baseline.xml";
constexpr const char* kMarkBegin = "<!-- sigmawb-mark: ";
constexpr const char* kMarkEnd = "<!-- /sigmawb-mark -->";

std::string eventKey(const std::string& xml, std::optional<std::uint64_t> recordId)
{
    if (recordId)
        return std::to_string(*recordId);
    std::uint64_t h = 1469598103934665603ull; // FNV-1a
    for (unsigned char c : xml) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char buf[24];
    std::snprintf(buf, sizeof buf, "x%016llx", static_cast<unsigned long long>(h));
    return buf;
}

/// The event element without an XML declaration, trimmed.
std::string eventBody(const std::string& xml)
{
    std::string s = xml;
    if (s.rfind("<?xml", 0) == 0) {
        const auto end = s.find("?>");
        if (end != std::string::npos)
            s = s.substr(end + 2);
    }
    const auto first = s.find_first_not_of(" \t\r\n");
    const auto last = s.find_last_not_of(" \t\r\n");
    return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

bool writeAtomically(const fs::path& path, const std::string& text, std::string& error)
{
    return writeFileAtomically(path.string(), text, error, true);
}

fs::path manifestDir(const RuleTests& group)
{
    return fs::path(group.manifest).parent_path();
}

fs::path eventsDir(const RuleTests& group)
{
    return fs::path(markedEventsDir(group.rulePath));
}

/// `target` relative to the manifest's folder, '/' separated.
std::string relativeToManifest(const RuleTests& group, const fs::path& target)
{
    fs::path rel = target.lexically_normal().lexically_relative(manifestDir(group).lexically_normal());
    if (rel.empty())
        rel = target;
    return rel.generic_string();
}

struct BaselineBlocks {
    std::vector<std::pair<std::string, std::string>> blocks; ///< (key, event xml)
};

BaselineBlocks readBaseline(const fs::path& path)
{
    BaselineBlocks b;
    std::error_code ec;
    if (!fs::exists(path, ec))
        return b;
    std::string text, error;
    readWholeFile(path.string(), text, error); // unreadable: no blocks, as for a missing file
    std::size_t pos = 0;
    const std::size_t beginLen = std::strlen(kMarkBegin);
    while ((pos = text.find(kMarkBegin, pos)) != std::string::npos) {
        const std::size_t keyEnd = text.find(" -->", pos + beginLen);
        if (keyEnd == std::string::npos)
            break;
        const std::string key = text.substr(pos + beginLen, keyEnd - pos - beginLen);
        const std::size_t bodyStart = keyEnd + 4;
        const std::size_t end = text.find(kMarkEnd, bodyStart);
        if (end == std::string::npos)
            break;
        b.blocks.emplace_back(key, eventBody(text.substr(bodyStart, end - bodyStart)));
        pos = end + std::strlen(kMarkEnd);
    }
    return b;
}

std::string renderBaseline(const BaselineBlocks& b)
{
    std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                      "<!-- Baseline events marked in Sigma Workbench; one block per event. -->\n<Events>\n";
    for (const auto& [key, xml] : b.blocks)
        out += std::string(kMarkBegin) + key + " -->\n" + xml + '\n' + kMarkEnd + '\n';
    out += "</Events>\n";
    return out;
}

std::string singleFileName(ExpectationKind kind, const std::string& key)
{
    return std::string(expectationKindName(kind)) + '-' + key + ".xml";
}

bool samePath(const std::string& a, const fs::path& b)
{
    return fs::path(a).lexically_normal() == b.lexically_normal();
}

} // namespace

RuleTests openRuleTests(const std::string& rulePath)
{
    const std::string manifest = besideManifestPath(rulePath);
    std::error_code ec;
    if (fs::exists(manifest, ec)) {
        // Marks are written back into this manifest: keep every entry as written, also those naming
        // files from elsewhere (running the tests refuses them: findRuleTests, discoverTests).
        ManifestOptions keepAll;
        keepAll.allowOutsidePaths = true;
        TestManifest m = loadManifest(manifest, keepAll);
        if (!m.rules.empty() && !m.folderForm) {
            RuleTests g = std::move(m.rules.front());
            g.diagnostics.insert(g.diagnostics.begin(), m.diagnostics.begin(), m.diagnostics.end());
            g.rulePath = rulePath;
            return g;
        }
        RuleTests g;
        g.manifest = manifest;
        g.rule = fs::path(rulePath).filename().string();
        g.rulePath = rulePath;
        g.diagnostics = m.diagnostics;
        return g;
    }
    RuleTests g;
    g.manifest = manifest;
    g.rule = fs::path(rulePath).filename().string();
    g.rulePath = rulePath;
    return g;
}

std::optional<ExpectationKind> markOf(const RuleTests& group, const std::string& eventXml,
                                      std::optional<std::uint64_t> recordId)
{
    const TestMarks marks(group);
    return recordId ? marks.ofRecord(*recordId) : marks.ofXml(eventXml);
}

std::string TestMarks::fileKeyOf(const std::string& path)
{
    std::error_code ec;
    const fs::path absolute = fs::absolute(path, ec);
    return (ec ? fs::path(path) : absolute).lexically_normal().string();
}

void TestMarks::addFileMark(const Expectation& e)
{
    if (e.embedded() || e.path.empty())
        return;
    FileMarks& marks = m_byFile[fileKeyOf(e.path)];
    switch (e.kind) {
    case ExpectationKind::Match:
        // Only exact record ids say which events must match; the rest of the file then must not.
        for (std::uint64_t id : e.recordIds)
            marks.records[id] = ExpectationKind::Match;
        if (!e.recordIds.empty() && !marks.rest)
            marks.rest = ExpectationKind::NoMatch;
        break;
    case ExpectationKind::NoMatch:
        if (!marks.rest || *marks.rest == ExpectationKind::Baseline)
            marks.rest = ExpectationKind::NoMatch;
        break;
    case ExpectationKind::Baseline:
        if (!marks.rest)
            marks.rest = ExpectationKind::Baseline;
        break;
    }
    if (marks.records.empty() && !marks.rest)
        m_byFile.erase(fileKeyOf(e.path));
}

std::optional<ExpectationKind> TestMarks::ofFileEvent(const std::string& fileKey,
                                                      std::optional<std::uint64_t> recordId) const
{
    const auto it = m_byFile.find(fileKey);
    if (it == m_byFile.end())
        return std::nullopt;
    if (recordId)
        if (const auto r = it->second.records.find(*recordId); r != it->second.records.end())
            return r->second;
    return it->second.rest;
}

TestMarks::TestMarks(const RuleTests& group)
{
    const fs::path dir = eventsDir(group).lexically_normal();
    const fs::path baseline = dir / kBaselineFile;
    bool baselineListed = false;
    for (const auto& e : group.expectations) {
        const fs::path path = fs::path(e.path).lexically_normal();
        if (e.kind == ExpectationKind::Baseline) {
            if (path == baseline)
                baselineListed = true;
            else
                addFileMark(e);
            continue;
        }
        if (e.kind != ExpectationKind::Match && e.kind != ExpectationKind::NoMatch)
            continue;
        if (path.parent_path() != dir) {
            addFileMark(e);
            continue;
        }
        // "<kind>-<key>.xml", as singleFileName writes it.
        const std::string prefix = std::string(expectationKindName(e.kind)) + '-';
        const std::string name = path.filename().string();
        if (name.size() <= prefix.size() + 4 || name.rfind(prefix, 0) != 0 ||
            name.compare(name.size() - 4, 4, ".xml") != 0)
            continue;
        const std::string key = name.substr(prefix.size(), name.size() - prefix.size() - 4);
        // A must-match entry wins over a must-not-match one of the same event, as before.
        auto [it, inserted] = m_byKey.emplace(key, e.kind);
        if (!inserted && e.kind == ExpectationKind::Match)
            it->second = e.kind;
    }
    if (baselineListed)
        for (const auto& [key, xml] : readBaseline(baseline).blocks)
            m_byKey.emplace(key, ExpectationKind::Baseline);
}

std::optional<ExpectationKind> TestMarks::ofRecord(std::uint64_t recordId) const
{
    const auto it = m_byKey.find(std::to_string(recordId));
    return it == m_byKey.end() ? std::nullopt : std::optional(it->second);
}

std::optional<ExpectationKind> TestMarks::ofXml(const std::string& eventXml) const
{
    if (m_byKey.empty())
        return std::nullopt;
    const auto it = m_byKey.find(eventKey(eventBody(eventXml), std::nullopt));
    return it == m_byKey.end() ? std::nullopt : std::optional(it->second);
}

bool unmarkEvent(RuleTests& group, const std::string& eventXml, std::optional<std::uint64_t> recordId)
{
    const std::string key = eventKey(eventBody(eventXml), recordId);
    const fs::path dir = eventsDir(group);
    bool removed = false;
    std::error_code ec;
    for (ExpectationKind kind : {ExpectationKind::Match, ExpectationKind::NoMatch}) {
        const fs::path file = dir / singleFileName(kind, key);
        const auto before = group.expectations.size();
        group.expectations.erase(std::remove_if(group.expectations.begin(), group.expectations.end(),
                                                [&](const Expectation& e) { return samePath(e.path, file); }),
                                 group.expectations.end());
        if (group.expectations.size() != before) {
            fs::remove(file, ec);
            removed = true;
        }
    }
    const fs::path baseline = dir / kBaselineFile;
    BaselineBlocks b = readBaseline(baseline);
    const auto before = b.blocks.size();
    b.blocks.erase(std::remove_if(b.blocks.begin(), b.blocks.end(), [&](const auto& blk) { return blk.first == key; }),
                   b.blocks.end());
    if (b.blocks.size() != before) {
        removed = true;
        if (b.blocks.empty()) {
            fs::remove(baseline, ec);
            group.expectations.erase(std::remove_if(group.expectations.begin(), group.expectations.end(),
                                                    [&](const Expectation& e) { return samePath(e.path, baseline); }),
                                     group.expectations.end());
        } else {
            std::string error;
            writeAtomically(baseline, renderBaseline(b), error);
        }
    }
    return removed;
}

bool markEvent(RuleTests& group, const std::string& eventXml, std::optional<std::uint64_t> recordId,
               ExpectationKind kind, std::string& error)
{
    const std::string body = eventBody(eventXml);
    if (body.find('<') == std::string::npos) {
        error = "the event has no XML to copy";
        return false;
    }
    unmarkEvent(group, eventXml, recordId);
    const std::string key = eventKey(body, recordId);
    const fs::path dir = eventsDir(group);
    if (kind == ExpectationKind::Baseline) {
        const fs::path baseline = dir / kBaselineFile;
        BaselineBlocks b = readBaseline(baseline);
        b.blocks.emplace_back(key, body);
        if (!writeAtomically(baseline, renderBaseline(b), error))
            return false;
        const bool listed = std::any_of(group.expectations.begin(), group.expectations.end(),
                                        [&](const Expectation& e) { return samePath(e.path, baseline); });
        if (!listed) {
            Expectation e;
            e.kind = ExpectationKind::Baseline;
            e.file = relativeToManifest(group, baseline);
            e.path = baseline.string();
            e.maxHits = 0;
            group.expectations.push_back(std::move(e));
        }
        return true;
    }
    const fs::path file = dir / singleFileName(kind, key);
    if (!writeAtomically(file, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + body + '\n', error))
        return false;
    Expectation e;
    e.kind = kind;
    e.file = relativeToManifest(group, file);
    e.path = file.string();
    group.expectations.push_back(std::move(e));
    return true;
}

bool saveRuleTests(const RuleTests& group, std::string& error)
{
    TestManifest m;
    m.file = group.manifest;
    m.rules.push_back(group);
    return saveManifest(m, group.manifest, error);
}

} // namespace sigma
