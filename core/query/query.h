#pragma once

// Reading vendor detection queries into the predicate tree (query/predicate.h): one hand-written
// lexer and recursive-descent reader per language, every node located in the rule file.

#include "query/predicate.h"
#include "query/querysource.h"
#include "query/splmacros.h"

namespace sigma {

struct QueryOptions {
    /// Splunk macros for SPL (`name` and `name(args)` in backticks); nullptr: none known, every
    /// macro is noted as unexpanded.
    const SplMacros* splMacros = nullptr;
};

/// Reads `source` in `language`. Never throws; a query that cannot be read comes back with an
/// error diagnostic ("query-syntax") located in the file and an empty tree.
ParsedQuery parseQuery(QueryLanguage language, const QuerySource& source, const QueryOptions& options = {});

ParsedQuery parseKql(const QuerySource& source);
ParsedQuery parseEql(const QuerySource& source);
ParsedQuery parseEsql(const QuerySource& source);
ParsedQuery parseLucene(const QuerySource& source);
ParsedQuery parseSpl(const QuerySource& source, const SplMacros* macros);

} // namespace sigma
