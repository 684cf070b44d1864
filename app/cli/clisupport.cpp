#include "clisupport.h"

#include "corpus/corpus.h"
#include "util/fileio.h"

#include <algorithm>
#include <iostream>

namespace sigmawb {

bool reportCorpusProblems(const sigma::Corpus& corpus)
{
    const auto& diags = corpus.diagnostics();
    const std::size_t shown = std::min<std::size_t>(diags.size(), 20);
    for (std::size_t i = 0; i < shown; ++i)
        std::cerr << diags[i].format() << '\n';
    if (diags.size() > shown)
        std::cerr << "... and " << diags.size() - shown << " more problems\n";
    if (!corpus.brokenFiles().empty())
        std::cerr << "sigmawb: " << corpus.brokenFiles().size() << " of " << corpus.filesScanned()
                  << " corpus files had errors and were left out\n";
    return !corpus.brokenFiles().empty();
}

bool writeOutputFile(std::string_view command, const std::string& path, std::string_view text)
{
    std::string error;
    if (sigma::writeFileAtomically(path, text, error))
        return true;
    std::cerr << "sigmawb " << command << ": " << error << '\n';
    return false;
}

} // namespace sigmawb
