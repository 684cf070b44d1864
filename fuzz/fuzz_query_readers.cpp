// libFuzzer target: the input is read as a query of each vendor language (KQL, EQL, ES|QL, Lucene,
// SPL with a few macros, one of which takes arguments) and its indicators are extracted, so the
// readers see hostile text: unterminated strings and macros, deep nesting, odd escapes.
#include "corpus/vendorindicators.h"
#include "query/query.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {
const sigma::SplMacros& macros()
{
    static const sigma::SplMacros m = [] {
        sigma::SplMacros out;
        out.add({"sysmon", {}, "sourcetype=xmlwineventlog", {}});
        out.add({"pair", {"a", "b"}, "($a$=$b$ OR `sysmon`)", {}});
        out.add({"self", {}, "x=1 `self`", {}});
        return out;
    }();
    return m;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    sigma::QueryOptions options;
    options.splMacros = &macros();
    for (auto language : {sigma::QueryLanguage::Kql, sigma::QueryLanguage::Eql, sigma::QueryLanguage::Esql,
                          sigma::QueryLanguage::Lucene, sigma::QueryLanguage::Spl}) {
        const sigma::ParsedQuery q = sigma::parseQuery(language, sigma::QuerySource(text, "fuzz"), options);
        (void)sigma::describePredicate(q.root);
        (void)sigma::queryIndicators(q);
    }
    return 0;
}
