// Files a manifest may name (issue 19, "files from elsewhere"): a manifest read from an incident or
// the internet must not make the workbench read, test or export files of the user's machine. Every
// file it names (the rule, event files) must resolve, symlinks followed, inside the manifest's
// workspace: the nearest folder at or above the manifest that holds `.git` or `workspace.ini`, else
// the manifest's own folder. Others are refused with an error naming the entry, unless the caller
// allows it (`sigmawb test|export --allow-outside-paths`).
#include "validation/manifest.h"

#include "util/fileio.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace sigma {

namespace {

bool isInside(const fs::path& root, const fs::path& p)
{
    auto r = root.begin();
    auto q = p.begin();
    for (; r != root.end(); ++r, ++q) {
        if (r->empty()) // a trailing separator
            continue;
        if (q == p.end() || *r != *q)
            return false;
    }
    return true;
}

Diagnostic outside(const std::string& what, const std::string& written, const fs::path& resolved, const fs::path& root,
                   const std::string& manifest, const SourceSpan& span)
{
    return makeDiagnostic(Severity::Error, "manifest-path-outside",
                          what + " '" + written + "' resolves to " + resolved.string() +
                              ", outside the manifest's workspace " + root.string() +
                              "; refused (a manifest may name files only inside the folder, repository or "
                              "workspace it belongs to; --allow-outside-paths allows it)",
                          manifest, span);
}

} // namespace

std::string manifestWorkspace(const std::string& manifestFile)
{
    const fs::path dir = canonicalPath(
        fs::path(manifestFile).parent_path().empty() ? fs::path(".") : fs::path(manifestFile).parent_path());
    std::error_code ec;
    for (fs::path at = dir;; at = at.parent_path()) {
        if (fs::exists(at / ".git", ec) || fs::exists(at / "workspace.ini", ec))
            return at.string();
        if (at == at.root_path() || at.parent_path() == at)
            break;
    }
    return dir.string();
}

void refuseOutsidePaths(TestManifest& manifest)
{
    const fs::path root(manifestWorkspace(manifest.file));
    for (RuleTests& group : manifest.rules) {
        if (!group.rulePath.empty()) {
            const fs::path rule = canonicalPath(group.rulePath);
            if (!isInside(root, rule)) {
                group.diagnostics.push_back(outside("the rule", group.rule, rule, root, manifest.file, group.span));
                group.rulePath.clear();
            }
        }
        std::vector<Expectation> kept;
        kept.reserve(group.expectations.size());
        for (Expectation& e : group.expectations) {
            if (!e.embedded()) {
                const fs::path file = canonicalPath(e.path);
                if (!isInside(root, file)) {
                    group.diagnostics.push_back(outside("the event file", e.file, file, root, manifest.file, e.span));
                    continue;
                }
            }
            kept.push_back(std::move(e));
        }
        group.expectations = std::move(kept);
    }
}

} // namespace sigma
