#include "eventsmodel.h"

#include "validation/manifest.h"
#include "validation/runner.h"

#include <QBrush>
#include <QFileInfo>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>
#include <QStringList>

#include <algorithm>
#include <utility>

namespace sigmaui {

namespace {
QString qs(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}
std::optional<std::string_view> firstOf(const sigma::Event& e, std::initializer_list<const char*> names)
{
    for (const char* n : names)
        if (const auto v = e.value(n))
            if (!v->empty())
                return v;
    return std::nullopt;
}
} // namespace

EventsModel::EventsModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void EventsModel::setEvents(EventListPtr events)
{
    beginResetModel();
    m_events = std::move(events);
    m_verdicts.clear();
    m_previous.clear();
    m_everyRowChanged = true;
    m_marks.clear();
    m_stale = false;
    endResetModel();
}

const sigma::Event* EventsModel::eventAt(int row) const
{
    if (!m_events || row < 0 || std::size_t(row) >= m_events->size())
        return nullptr;
    return &(*m_events)[std::size_t(row)];
}

void EventsModel::setVerdicts(std::vector<Verdict> verdicts, bool stale)
{
    if (verdicts.size() != std::size_t(rowCount()))
        verdicts.clear();
    // Only the rows whose verdict changed are signalled (one range from the first to the last of
    // them), so that an edit that changes few verdicts costs the views and the proxy little. A
    // change of staleness or a new size changes the look of every row.
    int first = 0;
    int last = rowCount() - 1;
    if (stale == m_stale && verdicts.size() == m_verdicts.size()) {
        const auto mismatch = std::mismatch(verdicts.begin(), verdicts.end(), m_verdicts.begin());
        if (mismatch.first == verdicts.end()) {
            first = 0;
            last = -1; // nothing changed
        } else {
            first = int(mismatch.first - verdicts.begin());
            const auto rmismatch = std::mismatch(verdicts.rbegin(), verdicts.rend(), m_verdicts.rbegin());
            last = int(verdicts.rend() - rmismatch.first) - 1;
        }
    }
    m_previous = std::exchange(m_verdicts, std::move(verdicts));
    m_everyRowChanged = m_previous.size() != m_verdicts.size() || stale != m_stale;
    m_stale = stale;
    if (first <= last)
        notifyVerdictsChanged(first, last);
}

bool EventsModel::lookChanged(int row) const
{
    if (row < 0 || row >= rowCount())
        return false;
    if (m_everyRowChanged || std::size_t(row) >= m_previous.size() || std::size_t(row) >= m_verdicts.size())
        return true;
    return m_previous[std::size_t(row)] != m_verdicts[std::size_t(row)];
}

void EventsModel::notifyVerdictsChanged(int first, int last)
{
    if (rowCount() == 0)
        return;
    // The verdict column changes; the other columns only change their look (bold, greyed), which
    // verdictsChanged() tells the views about. Signalling every column would make a proxy sorted
    // by another column re-sort all rows on every keystroke (Qt ignores the roles there).
    if (first <= last && m_signalRows) {
        Q_EMIT dataChanged(index(first, VerdictColumn), index(last, VerdictColumn),
                           {Qt::DisplayRole, Qt::ForegroundRole, Qt::FontRole, Qt::ToolTipRole, VerdictRole, SortRole});
        if (!m_marks.empty())
            Q_EMIT dataChanged(index(first, TestColumn), index(last, TestColumn),
                               {Qt::DisplayRole, Qt::ForegroundRole, Qt::ToolTipRole, TestPassRole, SortRole});
    }
    Q_EMIT verdictsChanged();
}

void EventsModel::setTestMarks(std::vector<int> marks)
{
    if (marks.size() != std::size_t(rowCount()) || std::all_of(marks.begin(), marks.end(), [](int m) { return m < 0; }))
        marks.clear();
    if (marks == m_marks)
        return;
    m_marks = std::move(marks);
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, TestColumn), index(rowCount() - 1, TestColumn));
}

void EventsModel::setNearMisses(std::vector<QString> nearMisses)
{
    if (nearMisses.size() != std::size_t(rowCount()))
        nearMisses.clear();
    if (nearMisses.empty() && m_nearMisses.empty())
        return;
    m_nearMisses = std::move(nearMisses);
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, NearMissColumn), index(rowCount() - 1, NearMissColumn));
}

QString EventsModel::nearMiss(int row) const
{
    return row >= 0 && std::size_t(row) < m_nearMisses.size() ? m_nearMisses[std::size_t(row)] : QString();
}

int EventsModel::testMark(int row) const
{
    if (row < 0 || std::size_t(row) >= m_marks.size())
        return -1;
    return m_marks[std::size_t(row)];
}

QString EventsModel::testTooltip(int row) const
{
    const int mark = testMark(row);
    if (mark < 0)
        return {};
    const bool mustMatch = mark == int(sigma::ExpectationKind::Match);
    QStringList lines;
    lines << (mustMatch                                      ? tr("Marked: must match")
              : mark == int(sigma::ExpectationKind::NoMatch) ? tr("Marked: must not match")
                                                             : tr("Marked: baseline (hits counted against max_hits)"));
    const Verdict v = verdict(row);
    const QString got = v == Verdict::Match        ? tr("the rule matches")
                        : v == Verdict::NoMatch    ? tr("the rule does not match")
                        : v == Verdict::OutOfScope ? tr("outside the rule's log source (no match)")
                                                   : tr("not evaluated");
    const auto pass = testPasses(row);
    if (mark != int(sigma::ExpectationKind::Baseline))
        lines << tr("Expected: %1").arg(mustMatch ? tr("the rule matches") : tr("the rule does not match"));
    lines << tr("Got: %1").arg(got);
    const sigma::Event* e = eventAt(row);
    if (pass && !*pass && m_rule && e) {
        // Only a failing mark is explained: one event, on hover.
        const sigma::EventExplanation why = sigma::explainForTest(*m_rule, *e);
        lines << tr("Deciding:");
        for (const auto& d : why.deciding)
            lines << QStringLiteral("  ") + QString::fromStdString(d);
    }
    if (pass)
        lines << (*pass ? tr("PASS") : tr("FAIL"));
    lines << tr("(right-click to change the mark)");
    return lines.join(QLatin1Char('\n'));
}

std::optional<bool> EventsModel::testPasses(int row) const
{
    const int mark = testMark(row);
    const Verdict v = verdict(row);
    if (v == Verdict::Unknown || m_stale)
        return std::nullopt;
    if (mark == int(sigma::ExpectationKind::Match))
        return v == Verdict::Match;
    if (mark == int(sigma::ExpectationKind::NoMatch))
        return v != Verdict::Match;
    return std::nullopt;
}

void EventsModel::setStale(bool stale)
{
    if (m_stale == stale)
        return;
    m_stale = stale;
    m_everyRowChanged = true;
    notifyVerdictsChanged(0, rowCount() - 1);
}

void EventsModel::setColors(const QColor& matched, const QColor& failed)
{
    m_matched = matched;
    m_failed = failed;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, VerdictColumn), index(rowCount() - 1, VerdictColumn));
}

Verdict EventsModel::verdict(int row) const
{
    if (row < 0 || std::size_t(row) >= m_verdicts.size())
        return Verdict::Unknown;
    return m_verdicts[std::size_t(row)];
}

std::size_t EventsModel::matchCount() const
{
    return std::size_t(std::count(m_verdicts.begin(), m_verdicts.end(), Verdict::Match));
}

int EventsModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_events)
        return 0;
    return int(m_events->size());
}

int EventsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : COLUMN_COUNT;
}

QString EventsModel::processOf(const sigma::Event& e)
{
    if (const auto v = firstOf(e, {"Image", "Application", "NewProcessName", "ProcessName", "process.executable"}))
        return qs(*v);
    return {};
}

QString EventsModel::detailOf(const sigma::Event& e)
{
    if (const auto v = firstOf(e, {"CommandLine", "ProcessCommandLine", "ScriptBlockText"}))
        return qs(*v);
    const auto ip = firstOf(e, {"DestinationIp", "DestAddress"});
    const auto port = firstOf(e, {"DestinationPort", "DestPort"});
    if (ip || port) {
        QString s = ip ? qs(*ip) : QString();
        if (port)
            s += (s.contains(QLatin1Char(':')) ? QStringLiteral(" port ") : QStringLiteral(":")) + qs(*port);
        if (const auto d = firstOf(e, {"Initiated", "Direction"}))
            s += QStringLiteral("  (") + qs(*d) + QLatin1Char(')');
        return s;
    }
    if (const auto v =
            firstOf(e, {"TargetFilename", "TargetObject", "QueryName", "ImageLoaded", "ServiceName", "TaskName"}))
        return qs(*v);
    return {};
}

QVariant EventsModel::data(const QModelIndex& index, int role) const
{
    const sigma::Event* e = index.isValid() ? eventAt(index.row()) : nullptr;
    if (!e || index.column() >= COLUMN_COUNT)
        return {};
    const Verdict v = verdict(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case VerdictColumn:
            switch (v) {
            case Verdict::Match:
                return QStringLiteral("✓");
            case Verdict::NoMatch:
                return QStringLiteral("✗");
            case Verdict::OutOfScope:
                return QStringLiteral("–");
            case Verdict::Unknown:
                return QString();
            }
            return {};
        case TimeColumn: {
            QString t = qs(e->time());
            t.replace(QLatin1Char('T'), QLatin1Char(' '));
            if (t.endsWith(QLatin1Char('Z')))
                t.chop(1);
            return t.left(23);
        }
        case ProviderColumn: {
            QString p = qs(e->provider());
            if (p.startsWith(QLatin1String("Microsoft-Windows-")))
                p = p.mid(18);
            return p;
        }
        case EventIdColumn:
            return qs(e->eventId());
        case ProcessColumn:
            return processOf(*e);
        case DetailColumn:
            return detailOf(*e);
        case SourceColumn: {
            const QString file =
                e->origin.file ? QFileInfo(QString::fromStdString(*e->origin.file)).fileName() : QString();
            return QStringLiteral("%1:%2").arg(file).arg(e->origin.index);
        }
        case TestColumn: {
            const int mark = testMark(index.row());
            if (mark < 0)
                return QString();
            QString text = mark == int(sigma::ExpectationKind::Match)     ? tr("must match")
                           : mark == int(sigma::ExpectationKind::NoMatch) ? tr("must not match")
                                                                          : tr("baseline");
            if (const auto pass = testPasses(index.row()))
                text += *pass ? tr(" · pass") : tr(" · FAIL");
            return text;
        }
        case NearMissColumn:
            return nearMiss(index.row());
        case COLUMN_COUNT:
            break;
        }
        return {};
    case SortRole:
        switch (Column(index.column())) {
        case VerdictColumn:
            return int(v);
        case EventIdColumn:
            return qs(e->eventId()).toLongLong();
        case TimeColumn:
            return qs(e->time()); // ISO 8601: sorts as text
        case SourceColumn:
            return qulonglong(index.row());
        case TestColumn: {
            // Failing first, then passing, then other marks, unmarked last.
            const int mark = testMark(index.row());
            const auto pass = testPasses(index.row());
            return mark < 0 ? 9 : pass ? (*pass ? 1 : 0) : 2 + mark;
        }
        default:
            return data(index, Qt::DisplayRole);
        }
    case VerdictRole:
        return int(v);
    case EventIndexRole:
        return index.row();
    case TestMarkRole:
        return testMark(index.row());
    case NearMissRole:
        return nearMiss(index.row());
    case TestPassRole:
        if (const auto pass = testPasses(index.row()))
            return *pass;
        return {};
    case SearchTextRole: {
        QString all;
        for (const auto& f : e->fields) {
            all += qs(e->text(f));
            all += QLatin1Char('\n');
        }
        return all;
    }
    case Qt::ForegroundRole:
        if (m_stale)
            return QBrush(QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text));
        if (index.column() == VerdictColumn) {
            if (v == Verdict::Match)
                return QBrush(m_matched);
            if (v == Verdict::NoMatch)
                return QBrush(m_failed);
            return QBrush(QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text));
        }
        if (index.column() == TestColumn) {
            if (const auto pass = testPasses(index.row()))
                return QBrush(*pass ? m_matched : m_failed);
            return {};
        }
        if (v == Verdict::OutOfScope)
            return QBrush(QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text));
        return {};
    case Qt::FontRole:
        if (index.column() == VerdictColumn || (v == Verdict::Match && !m_stale)) {
            QFont f;
            f.setBold(v == Verdict::Match);
            return f;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == VerdictColumn || index.column() == EventIdColumn)
            return int(Qt::AlignCenter);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == VerdictColumn) {
            QString tip;
            switch (v) {
            case Verdict::Match:
                tip = tr("The rule matches this event");
                break;
            case Verdict::NoMatch:
                tip = tr("The rule does not match this event");
                break;
            case Verdict::OutOfScope:
                tip = tr("Not of the rule's log source");
                break;
            case Verdict::Unknown:
                tip = tr("Not evaluated");
                break;
            }
            if (m_stale)
                tip += tr(" (last good verdict: the rule as written does not compile)");
            return tip;
        }
        if (index.column() == TestColumn && testMark(index.row()) >= 0)
            return testTooltip(index.row());
        if (index.column() == DetailColumn || index.column() == ProcessColumn || index.column() == NearMissColumn)
            return data(index, Qt::DisplayRole);
        return {};
    default:
        return {};
    }
}

QVariant EventsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case VerdictColumn:
        return tr("Match");
    case TimeColumn:
        return tr("Time (UTC)");
    case ProviderColumn:
        return tr("Provider");
    case EventIdColumn:
        return tr("EventID");
    case ProcessColumn:
        return tr("Process");
    case DetailColumn:
        return tr("Details");
    case SourceColumn:
        return tr("Source");
    case TestColumn:
        return tr("Test");
    case NearMissColumn:
        return tr("Near miss: decision, event vs rule");
    case COLUMN_COUNT:
        break;
    }
    return {};
}

} // namespace sigmaui
