#include "nearmissfilter.h"

#include "eventsfilterproxy.h"
#include "eventsmodel.h"

#include "engine/nearmiss.h"

#include <QCheckBox>
#include <QTableView>

namespace sigmaui {

NearMissFilter::NearMissFilter(EventsModel* model, EventsFilterProxy* proxy, QTableView* view, QWidget* parent)
    : QObject(parent)
    , m_model(model)
    , m_proxy(proxy)
    , m_view(view)
    , m_box(new QCheckBox(parent))
{
    m_box->setToolTip(tr("Only the events of the rule's log source that fail by exactly one decision (a field "
                         "item, a keyword list or a filter under 'not'), with that decision"));
    m_view->setColumnHidden(EventsModel::NearMissColumn, true);
    updateText(-1);
    connect(m_box, &QCheckBox::toggled, this, &NearMissFilter::setOn);
    m_schedule.setSingleShot(true);
    m_schedule.setInterval(0);
    connect(&m_schedule, &QTimer::timeout, this, &NearMissFilter::recompute);
    auto schedule = [this] {
        if (m_box->isChecked()) {
            m_count = -1; // until the new near misses are in
            m_schedule.start();
        }
    };
    connect(m_model, &EventsModel::verdictsChanged, this, schedule);
    connect(m_model, &EventsModel::ruleChanged, this, schedule);
    connect(m_model, &QAbstractItemModel::modelReset, this, schedule);
    connect(&m_jobs, &JobTracker::progress, this, [this](int permille) { updateText(permille); });
}

void NearMissFilter::updateText(int permille)
{
    if (!m_box->isChecked() || (m_count < 0 && permille < 0))
        m_box->setText(tr("Near misses"));
    else if (m_count < 0)
        m_box->setText(tr("Near misses (%1%)").arg(permille / 10));
    else
        m_box->setText(tr("Near misses (%1)").arg(m_count));
}

void NearMissFilter::setOn(bool on)
{
    m_proxy->setNearMissesOnly(on);
    m_view->setColumnHidden(EventsModel::NearMissColumn, !on);
    if (on && m_view->columnWidth(EventsModel::NearMissColumn) < 200)
        m_view->setColumnWidth(EventsModel::NearMissColumn, 460);
    recompute();
}

void NearMissFilter::recompute()
{
    m_count = -1;
    const auto rule = m_model->rule();
    const EventListPtr events = m_model->events();
    std::vector<std::size_t> indices;
    if (m_box->isChecked() && rule && events)
        for (int row = 0; row < m_model->rowCount(); ++row)
            if (m_model->verdict(row) == Verdict::NoMatch)
                indices.push_back(std::size_t(row));
    if (!m_box->isChecked() || !rule || !events) {
        m_jobs.cancel();
        m_model->setNearMisses({});
        updateText(-1);
        return;
    }
    // The old texts may be wrong for the new verdicts: none is shown until the new ones come.
    m_model->setNearMisses({});
    updateText(0);
    m_jobs.start(
        [rule, events, indices = std::move(indices)](const JobContext& job) {
            sigma::NearMissListOptions options;
            options.cancel = job.cancelFlag();
            options.lowPriority = true;
            options.progress = [&job](std::size_t done, std::size_t total) {
                job.reportProgress(int(done * 1000 / std::max<std::size_t>(total, 1)));
                return true;
            };
            const auto found = sigma::findNearMisses(*rule, *events, indices, options);
            std::vector<QString> texts(events->size());
            for (std::size_t i = 0; i < found.size(); ++i) {
                QStringList alternatives;
                for (const auto& p : found[i].predicates)
                    alternatives << QString::fromStdString(sigma::describeNearMiss(p));
                texts[indices[i]] = alternatives.join(tr("  — or —  "));
            }
            return texts;
        },
        [this](std::vector<QString> texts) {
            m_count = int(std::count_if(texts.begin(), texts.end(), [](const QString& t) { return !t.isEmpty(); }));
            m_model->setNearMisses(std::move(texts));
            m_proxy->invalidate();
            updateText(-1);
        });
}

} // namespace sigmaui
