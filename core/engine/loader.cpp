#include "engine/loader.h"

#include "rule/parser.h"
#include "util/asciitext.h"
#include "util/parallel.h"

#include <algorithm>
#include <filesystem>
#include <optional>

namespace sigma {

namespace {
bool isRuleFileName(const std::filesystem::path& p)
{
    const std::string ext = p.extension().string();
    return asciiEqualsIgnoringCase(ext, ".yml") || asciiEqualsIgnoringCase(ext, ".yaml");
}

struct FileResult {
    std::vector<std::shared_ptr<const CompiledRule>> rules;
    Diagnostics diagnostics;
    std::size_t ruleDocuments = 0;
    std::size_t otherDocuments = 0;
    bool failed = false;
    bool onlyPlaceholders = true;
    std::optional<ParsedFile> parsed; ///< keepParsed
};

void compileParsed(const ParsedFile& parsed, const std::string& file, const CompileOptions& options, FileResult& r)
{
    for (auto d : parsed.diagnostics) {
        if (d.severity == Severity::Info)
            continue;
        if (d.severity == Severity::Error) {
            r.failed = true;
            r.onlyPlaceholders = false;
        }
        r.diagnostics.push_back(std::move(d));
    }
    if (r.failed)
        return;
    for (const auto& doc : parsed.documents) {
        const Rule* rule = doc.rule();
        if (!rule) {
            r.otherDocuments += doc.correlation() || doc.filter();
            continue;
        }
        ++r.ruleDocuments;
        CompileResult c = compileRule(*rule, file, options);
        for (auto& d : c.diagnostics) {
            if (d.severity == Severity::Info)
                continue;
            if (d.severity == Severity::Error && d.code != "unresolved-placeholder")
                r.onlyPlaceholders = false;
            r.diagnostics.push_back(std::move(d));
        }
        if (c.rule)
            r.rules.push_back(std::move(c.rule));
        else
            r.failed = true;
    }
}

FileResult loadOne(const std::string& file, const CompileOptions& options, bool keepParsed)
{
    FileResult r;
    ParsedFile parsed = parseRuleFile(file);
    compileParsed(parsed, file, options, r);
    if (keepParsed)
        r.parsed = std::move(parsed);
    return r;
}
} // namespace

namespace {
template <typename Pred>
std::vector<std::string> collectFiles(const std::vector<std::string>& paths, Diagnostics& diagnostics, Pred wanted)
{
    std::vector<std::string> files;
    for (const auto& path : paths) {
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            std::vector<std::string> found;
            for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
                 !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
                if (it->is_regular_file(ec) && wanted(it->path()))
                    found.push_back(it->path().string());
            if (ec)
                diagnostics.push_back(
                    Diagnostic{Severity::Error, "io-error", "cannot list the folder: " + ec.message(), path, {}});
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else if (std::filesystem::exists(path, ec)) {
            files.push_back(path);
        } else {
            diagnostics.push_back(Diagnostic{Severity::Error, "io-error", "no such file or folder", path, {}});
        }
    }
    return files;
}

} // namespace

std::vector<std::string> collectRuleFiles(const std::vector<std::string>& paths, Diagnostics& diagnostics)
{
    return collectFiles(paths, diagnostics, isRuleFileName);
}

LoadedRules loadRules(const std::vector<std::string>& files, const CompileOptions& options, unsigned threads,
                      bool keepParsed)
{
    ParallelOptions parallel;
    parallel.threads = threads;
    ParallelRun run;
    std::vector<FileResult> results = parallelMap<FileResult>(
        files.size(), [&](std::size_t i) { return loadOne(files[i], options, keepParsed); }, parallel, &run);

    LoadedRules out;
    out.files = files.size();
    if (!run.error.empty()) // e.g. out of memory: said, never thrown
        out.diagnostics.push_back(
            Diagnostic{Severity::Error, "internal-error", "loading stopped: " + run.error, std::string(), {}});
    for (std::size_t i = 0; i < files.size(); ++i) {
        auto& r = results[i];
        out.ruleDocuments += r.ruleDocuments;
        out.otherDocuments += r.otherDocuments;
        for (auto& rule : r.rules)
            out.rules.push_back(std::move(rule));
        for (auto& d : r.diagnostics)
            out.diagnostics.push_back(std::move(d));
        if (r.parsed)
            out.parsed.push_back(std::move(*r.parsed));
        if (r.failed) {
            out.failedFiles.push_back(files[i]);
            if (r.onlyPlaceholders)
                out.placeholderFiles.push_back(files[i]);
        }
    }
    return out;
}

} // namespace sigma
