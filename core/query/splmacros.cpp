#include "query/splmacros.h"

#include "util/fileio.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace sigma {

std::string SplMacros::key(std::string_view name, std::size_t arity)
{
    return std::string(name) + '(' + std::to_string(arity) + ')';
}

void SplMacros::add(Macro macro)
{
    std::string k = key(macro.name, macro.arguments.size());
    m_macros[std::move(k)] = std::move(macro);
}

bool SplMacros::addFile(const std::string& file, std::string_view text, Diagnostics* diagnostics)
{
    auto problem = [&](const std::string& message, int line) {
        if (diagnostics)
            diagnostics->push_back(
                makeDiagnostic(Severity::Warning, "spl-macro", message, file, SourceSpan{{line, 1}, {line, 2}}));
        return false;
    };
    try {
        const YAML::Node doc = YAML::Load(std::string(text));
        if (!doc.IsMap())
            return problem("a macro file is a mapping with name and definition", 1);
        const YAML::Node name = doc["name"];
        const YAML::Node definition = doc["definition"];
        if (!name || !name.IsScalar() || name.Scalar().empty())
            return problem("the macro has no name", doc.Mark().line + 1);
        if (!definition || !definition.IsScalar())
            return problem("the macro '" + name.Scalar() + "' has no definition", name.Mark().line + 1);
        Macro m;
        m.name = name.Scalar();
        m.definition = definition.Scalar();
        m.file = file;
        if (const YAML::Node args = doc["arguments"]; args && args.IsSequence())
            for (const auto& a : args)
                if (a.IsScalar())
                    m.arguments.push_back(a.Scalar());
        add(std::move(m));
        return true;
    } catch (const YAML::Exception& e) {
        return problem(e.msg, e.mark.line + 1);
    }
}

void SplMacros::addFolder(const std::filesystem::path& folder, Diagnostics* diagnostics)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const auto ext = it->path().extension().string();
        if ((ext == ".yml" || ext == ".yaml") && it->is_regular_file(ec))
            files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        std::string text, error;
        readWholeFile(f.string(), text, error); // unreadable: read as empty
        addFile(f.string(), text, diagnostics);
    }
}

const SplMacros::Macro* SplMacros::find(std::string_view name, std::size_t arity) const
{
    if (auto it = m_macros.find(key(name, arity)); it != m_macros.end())
        return &it->second;
    if (name == "drop_dm_object_name" && arity == 1) {
        // Splunk_SA_CIM's definition (not part of security_content)
        static const Macro builtin{"drop_dm_object_name", {"object"}, "rename $object$.* AS *", {}};
        return &builtin;
    }
    return nullptr;
}

} // namespace sigma
