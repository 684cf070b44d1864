#include "util/resources.h"

#include <utility>

namespace sigma::embedded {
extern const std::pair<std::string_view, std::string_view> files[];
}

namespace sigma::resources {

std::optional<std::string_view> data(std::string_view path)
{
    for (auto* f = embedded::files; !f->first.empty(); ++f)
        if (f->first == path)
            return f->second;
    return std::nullopt;
}

std::vector<std::string_view> list()
{
    std::vector<std::string_view> out;
    for (auto* f = embedded::files; !f->first.empty(); ++f)
        out.push_back(f->first);
    return out;
}

} // namespace sigma::resources
