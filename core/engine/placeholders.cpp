#include "engine/engine.h"

#include "util/fileio.h"

#include <yaml-cpp/yaml.h>

namespace sigma {

Placeholders loadPlaceholdersText(const std::string& yamlText, const std::string& file, Diagnostics& diagnostics)
{
    Placeholders out;
    auto error = [&](const YAML::Mark& mark, const std::string& message) {
        diagnostics.push_back(
            Diagnostic{Severity::Error, "invalid-placeholders", message, file,
                       SourceSpan{{mark.line + 1, mark.column + 1}, {mark.line + 1, mark.column + 2}}});
    };
    try {
        const YAML::Node root = YAML::Load(yamlText);
        if (!root || root.IsNull())
            return out;
        if (!root.IsMap()) {
            error(root.Mark(), "a placeholder file is a map: name -> list of values");
            return out;
        }
        for (const auto& kv : root) {
            std::string name = kv.first.as<std::string>();
            if (name.size() >= 2 && name.front() == '%' && name.back() == '%')
                name = name.substr(1, name.size() - 2);
            std::vector<std::string> values;
            if (kv.second.IsScalar()) {
                values.push_back(kv.second.as<std::string>());
            } else if (kv.second.IsSequence()) {
                for (const auto& v : kv.second) {
                    if (!v.IsScalar()) {
                        error(v.Mark(), "placeholder '" + name + "': values must be scalars");
                        continue;
                    }
                    values.push_back(v.as<std::string>());
                }
            } else {
                error(kv.second.Mark(), "placeholder '" + name + "' needs a value or a list of values");
                continue;
            }
            out[name] = std::move(values);
        }
    } catch (const YAML::Exception& e) {
        error(e.mark, std::string("YAML error: ") + e.msg);
    }
    return out;
}

Placeholders loadPlaceholdersFile(const std::string& path, Diagnostics& diagnostics)
{
    std::string text, error;
    if (!readWholeFile(path, text, error)) {
        diagnostics.push_back(Diagnostic{Severity::Error, "io-error", "cannot read the placeholder file", path, {}});
        return {};
    }
    return loadPlaceholdersText(text, path, diagnostics);
}

} // namespace sigma
