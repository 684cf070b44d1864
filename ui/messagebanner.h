#pragma once

#include <QFrame>

class QLabel;
class QPushButton;
class QToolButton;

namespace sigmaui {

/// A non-modal message strip (in the spirit of KMessageWidget): errors and offers are shown
/// here instead of in modal message boxes, so the user keeps working.
class MessageBanner : public QFrame {
    Q_OBJECT
public:
    enum class Kind { Error, Warning, Information };

    explicit MessageBanner(QWidget* parent = nullptr);

    /// Shows the message; an action text adds a button that emits actionTriggered().
    void showMessage(Kind kind, const QString& text, const QString& actionText = {});
    void dismiss();

    Kind kind() const { return m_kind; }
    QString text() const;
    QPushButton* actionButton() const { return m_action; }

Q_SIGNALS:
    void actionTriggered();
    void dismissed();

private:
    void applyStyle();

    Kind m_kind = Kind::Information;
    QLabel* m_icon;
    QLabel* m_label;
    QPushButton* m_action;
    QToolButton* m_close;
};

} // namespace sigmaui
