#pragma once

#include "events/event.h"

#include <QAbstractTableModel>

namespace sigmaui {

/// The selected event's fields, in document order (Event detail pane). Rows can be dragged into
/// the editor as detection items (text/plain "Field: 'value'").
class EventFieldsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { FieldColumn, ValueColumn, COLUMN_COUNT };

    explicit EventFieldsModel(QObject* parent = nullptr);

    void setEvent(const sigma::Event* event); ///< copied; nullptr clears
    QString fieldAt(int row) const;
    QString valueAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;

private:
    QVector<QPair<QString, QString>> m_fields;
};

} // namespace sigmaui
