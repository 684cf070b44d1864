#include "statussummary.h"

#include "liveevaluator.h"
#include "ruledocument.h"
#include "ruletestsupport.h"
#include "theme.h"

#include <QLabel>
#include <QStatusBar>

namespace sigmaui {

StatusSummary::StatusSummary(QStatusBar* bar)
    : QObject(bar)
    , m_match(new QLabel(bar))
    , m_events(new QLabel(bar))
    , m_tests(new QLabel(bar))
{
    bar->addPermanentWidget(m_tests);
    bar->addPermanentWidget(m_match);
    bar->addPermanentWidget(m_events);
}

QString StatusSummary::matchText() const
{
    return m_match->text();
}

QString StatusSummary::testText() const
{
    return m_tests->text();
}

void StatusSummary::update(RuleDocument* document, const EventListPtr& events)
{
    const std::size_t total = events ? events->size() : 0;
    m_events->setText(events ? tr("%n event(s) loaded", nullptr, int(total)) : tr("No events loaded"));
    LiveEvaluator* evaluator = document ? document->evaluator() : nullptr;
    const EvaluationPtr last = evaluator ? evaluator->lastResult() : nullptr;
    const EvaluationPtr good = evaluator ? evaluator->lastGoodResult() : nullptr;
    QString text;
    if (!document || !events) {
        text.clear();
    } else if (last && last->ok() && last->events == events) {
        text = tr("%1 of %2 events match · %3 ms").arg(last->matches).arg(total).arg(last->totalMs, 0, 'f', 1);
        if (last->translated5156 > 0)
            text += tr(" · %n Security 5156 read as network connections", nullptr, int(last->translated5156));
    } else if (last && !last->ok()) {
        if (good && good->events == events)
            text =
                tr("%1 of %2 events matched before the last edit · the rule has errors").arg(good->matches).arg(total);
        else
            text = tr("The rule has errors · %n event(s) not evaluated", nullptr, int(total));
    }
    if (evaluator && evaluator->isBusy() && !text.isEmpty())
        text += QStringLiteral(" …");
    m_match->setText(text);

    // The tests of the newest compiled rule ("tests: 3/4 pass"), run in the same job as the verdicts.
    const EvaluationPtr tested = last && last->ok() ? last : good;
    const sigma::RuleTestResult* result = tested ? tested->tests.get() : nullptr;
    QString tests = document ? testSummaryText(result) : QString();
    if (!tests.isEmpty() && tested != last)
        tests += tr(" (before the last edit)");
    m_tests->setText(tests);
    m_tests->setToolTip(result ? testDetailsText(*result) : QString());
    if (!tests.isEmpty() && result) {
        const bool dark = isDarkPalette(m_tests->palette());
        m_tests->setStyleSheet(
            QStringLiteral("color: %1").arg((result->passed() ? verdictGreen(dark) : verdictRed(dark)).name()));
    }
}

} // namespace sigmaui
