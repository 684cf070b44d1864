#pragma once

#include "events/event.h"

#include <QAbstractTableModel>

namespace sigmaui {

/// The selected event's fields, in document order (Event detail pane). Rows can be dragged into
/// the editor as detection items (text/plain "Field: 'value'"). Each field has a check box: the
/// ticked field names ("New rule from selection") stay ticked when another event is shown.
class EventFieldsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { FieldColumn, ValueColumn, COLUMN_COUNT };

    explicit EventFieldsModel(QObject* parent = nullptr);

    void setEvent(const sigma::Event* event); ///< copied; nullptr clears
    QString fieldAt(int row) const;
    QString valueAt(int row) const;

    /// The ticked field names: those of the shown event in its order, then ticked names it lacks.
    QStringList tickedFields() const;
    void setTicked(const QString& field, bool ticked);
    void clearTicks();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;

Q_SIGNALS:
    void tickedChanged();

private:
    bool isTicked(const QString& field) const;

    QVector<QPair<QString, QString>> m_fields;
    QStringList m_ticked; ///< in the order they were ticked; compared case-insensitively
};

} // namespace sigmaui
