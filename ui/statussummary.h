#pragma once

#include "eventset.h"

#include <QObject>

class QLabel;
class QStatusBar;

namespace sigmaui {

class RuleDocument;

/// The status bar's figures for the current rule: "N of M events match · X ms" (or why there is
/// no count), "tests: 3/4 pass" (green or red, the failures in its tooltip) and the events loaded.
class StatusSummary : public QObject {
    Q_OBJECT
public:
    explicit StatusSummary(QStatusBar* bar);

    void update(RuleDocument* document, const EventListPtr& events);
    QString matchText() const;
    QString testText() const;

private:
    QLabel* m_match;
    QLabel* m_events;
    QLabel* m_tests;
};

} // namespace sigmaui
