#pragma once

// What to complete at a position of a Sigma rule's text, and the candidates: field names for
// the rule's log source (event catalog) and those seen in loaded events, modifiers after `|`,
// search identifiers inside `condition:`, ATT&CK tags with their names, log-source values.
// Works on the text alone so it helps while the rule does not parse yet.

#include <QSet>
#include <QString>
#include <QStringList>
#include <QVector>

namespace sigmaui {

struct CompletionContext {
    enum class Kind { None, TopLevelKey, Field, Modifier, Identifier, Tag, LogSourceKey, LogSourceValue };
    Kind kind = Kind::None;
    QString prefix;       ///< text typed so far, replaced by the chosen candidate
    int prefixStart = 0;  ///< position in the document where the prefix starts
    QString logSourceKey; ///< LogSourceValue: "category", "product" or "service"
};

struct CompletionCandidate {
    QString text;   ///< what is inserted
    QString detail; ///< shown beside it (technique name, event, ...)
    friend bool operator==(const CompletionCandidate&, const CompletionCandidate&) = default;
};

/// The context at a position (0-based offset into `text`).
CompletionContext completionContextAt(const QString& text, int position);

/// The log source written in the rule text (product, category, service; lower case).
struct TextLogSource {
    QString product, category, service;
};
TextLogSource logSourceOfText(const QString& text);
/// Search identifiers defined under `detection:` (in order).
QStringList searchIdentifiersOfText(const QString& text);
/// Field names the catalog knows for the log source (its events' fields and the System fields).
QStringList catalogFieldsFor(const TextLogSource& source);

struct CompletionSources {
    QStringList eventFields;           ///< field names seen in the loaded events
    QStringList corpusLogSourceValues; ///< "category:x", "product:y", "service:z" seen in the corpus
};

/// Every candidate for the context (not yet filtered by the prefix), sorted for display.
QVector<CompletionCandidate> completionCandidates(const CompletionContext& context, const QString& text,
                                                  const CompletionSources& sources = {});

} // namespace sigmaui
