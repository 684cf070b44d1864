#include "query/query.h"

namespace sigma {

ParsedQuery parseQuery(QueryLanguage language, const QuerySource& source, const QueryOptions& options)
{
    switch (language) {
    case QueryLanguage::Kql:
        return parseKql(source);
    case QueryLanguage::Eql:
        return parseEql(source);
    case QueryLanguage::Esql:
        return parseEsql(source);
    case QueryLanguage::Lucene:
        return parseLucene(source);
    case QueryLanguage::Spl:
        return parseSpl(source, options.splMacros);
    }
    return parseKql(source);
}

} // namespace sigma
