#pragma once

#include <QStyledItemDelegate>

namespace sigmaui {

/// Draws a horizontal bar behind a number, as long as the fraction in `barRole` (0..1), so the
/// noisy rows of a table stand out at a glance.
class BarDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    BarDelegate(int barRole, QColor color, QObject* parent = nullptr);
    void setColor(const QColor& color) { m_color = color; }
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    int m_barRole;
    QColor m_color;
};

} // namespace sigmaui
