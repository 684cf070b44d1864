#include "bardelegate.h"

#include <QApplication>
#include <QPainter>

namespace sigmaui {

BarDelegate::BarDelegate(int barRole, QColor color, QObject* parent)
    : QStyledItemDelegate(parent)
    , m_barRole(barRole)
    , m_color(std::move(color))
{}

void BarDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    // Background and selection first, then the bar, then the text over it.
    const QString text = opt.text;
    opt.text.clear();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
    const double fraction = qBound(0.0, index.data(m_barRole).toDouble(), 1.0);
    if (fraction > 0) {
        const QRect r = option.rect.adjusted(2, 3, -2, -3);
        QRect bar = r;
        bar.setWidth(qMax(2, int(r.width() * fraction)));
        QColor c = m_color;
        c.setAlpha(option.state & QStyle::State_Selected ? 200 : 140);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(c);
        painter->drawRoundedRect(bar, 2, 2);
        painter->restore();
    }
    painter->save();
    painter->setPen(
        opt.palette.color(option.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text));
    painter->drawText(option.rect.adjusted(4, 0, -4, 0), int(opt.displayAlignment), text);
    painter->restore();
}

} // namespace sigmaui
