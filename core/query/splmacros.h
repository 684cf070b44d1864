#pragma once

// Splunk search macros (splunk/security_content macros/*.yml: name, arguments, definition), looked
// up by name and number of arguments as Splunk does (`name` and `name(a, b)` are different macros).

#include "util/diagnostic.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sigma {

class SplMacros {
public:
    struct Macro {
        std::string name;
        std::vector<std::string> arguments; ///< names used as $name$ in the definition
        std::string definition;
        std::string file; ///< where it was defined (empty for built-ins)
    };

    /// Adds or replaces the macro with the same name and number of arguments.
    void add(Macro macro);
    /// Reads one macro file; problems are appended to `diagnostics` naming the file and line.
    bool addFile(const std::string& file, std::string_view text, Diagnostics* diagnostics = nullptr);
    /// Reads every *.yml / *.yaml file in `folder` (not recursive).
    void addFolder(const std::filesystem::path& folder, Diagnostics* diagnostics = nullptr);

    /// The macro, or nullptr. Without a definition of its own, `drop_dm_object_name(1)` is the
    /// Common Information Model's `rename $name$.* AS *`.
    const Macro* find(std::string_view name, std::size_t arity) const;

    std::size_t size() const { return m_macros.size(); }

private:
    static std::string key(std::string_view name, std::size_t arity);
    std::unordered_map<std::string, Macro> m_macros;
};

} // namespace sigma
