// Finding pipelines: the built-in ones compiled in from resources/data/pipelines/, else files.
#include "conversion/pipeline.h"
#include "util/fileio.h"
#include "util/resources.h"

#include <algorithm>

namespace sigma::conversion {

std::vector<std::string> builtinPipelineNames()
{
    std::vector<std::string> names;
    for (std::string_view path : resources::list()) {
        constexpr std::string_view dir = "pipelines/", ext = ".yml";
        if (path.substr(0, dir.size()) == dir && path.size() > dir.size() + ext.size() &&
            path.substr(path.size() - ext.size()) == ext)
            names.emplace_back(path.substr(dir.size(), path.size() - dir.size() - ext.size()));
    }
    std::sort(names.begin(), names.end());
    return names;
}

PipelineLoad loadPipeline(const std::string& nameOrFile)
{
    if (nameOrFile.find('/') == std::string::npos && nameOrFile.find('.') == std::string::npos) {
        if (auto text = resources::data("pipelines/" + nameOrFile + ".yml"))
            return parsePipeline(*text, "builtin:" + nameOrFile);
    }
    std::string text, problem;
    if (!readWholeFile(nameOrFile, text, problem)) {
        PipelineLoad load;
        std::string names;
        for (const auto& n : builtinPipelineNames())
            names += (names.empty() ? "" : ", ") + n;
        load.diagnostics.push_back(makeDiagnostic(Severity::Error, "pipeline-not-found",
                                                  "no built-in pipeline '" + nameOrFile + "' (built-in: " + names +
                                                      ") and no such file: " + problem,
                                                  nameOrFile));
        return load;
    }
    return parsePipeline(text, nameOrFile);
}

bool loadPipelines(const std::vector<std::string>& namesOrFiles, std::vector<Pipeline>& out, Diagnostics& diagnostics)
{
    bool ok = true;
    for (const auto& spec : namesOrFiles) {
        PipelineLoad load = loadPipeline(spec);
        diagnostics.insert(diagnostics.end(), load.diagnostics.begin(), load.diagnostics.end());
        if (load.pipeline)
            out.push_back(std::move(*load.pipeline));
        else
            ok = false;
    }
    return ok;
}

} // namespace sigma::conversion
