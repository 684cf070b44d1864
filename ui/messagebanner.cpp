#include "messagebanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>

namespace sigmaui {

MessageBanner::MessageBanner(QWidget* parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_label(new QLabel(this))
    , m_action(new QPushButton(this))
    , m_close(new QToolButton(this))
{
    setObjectName(QStringLiteral("messageBanner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_label->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_close->setAutoRaise(true);
    m_close->setText(QStringLiteral("✕"));
    m_close->setToolTip(tr("Close this message"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addWidget(m_icon);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_action);
    layout->addWidget(m_close);
    m_action->hide();
    connect(m_action, &QPushButton::clicked, this, [this] {
        hide();
        Q_EMIT actionTriggered();
    });
    connect(m_close, &QToolButton::clicked, this, &MessageBanner::dismiss);
    hide();
}

void MessageBanner::showMessage(Kind kind, const QString& text, const QString& actionText)
{
    m_kind = kind;
    m_label->setText(text);
    m_action->setText(actionText);
    m_action->setVisible(!actionText.isEmpty());
    applyStyle();
    show();
}

void MessageBanner::dismiss()
{
    if (isHidden())
        return;
    hide();
    Q_EMIT dismissed();
}

QString MessageBanner::text() const
{
    return m_label->text();
}

void MessageBanner::applyStyle()
{
    QColor accent;
    QStyle::StandardPixmap icon = QStyle::SP_MessageBoxInformation;
    switch (m_kind) {
    case Kind::Error:
        accent = QColor(0xda, 0x44, 0x53);
        icon = QStyle::SP_MessageBoxCritical;
        break;
    case Kind::Warning:
        accent = QColor(0xf6, 0x74, 0x00);
        icon = QStyle::SP_MessageBoxWarning;
        break;
    case Kind::Information:
        accent = QColor(0x3d, 0xae, 0xe9);
        break;
    }
    const QColor window = palette().color(QPalette::Window);
    QColor background = accent;
    background.setAlpha(255);
    // Tint the window colour with the accent so the text stays readable in light and dark themes.
    background =
        QColor::fromRgbF(window.redF() * 0.8f + accent.redF() * 0.2f, window.greenF() * 0.8f + accent.greenF() * 0.2f,
                         window.blueF() * 0.8f + accent.blueF() * 0.2f);
    setStyleSheet(QStringLiteral("QFrame#messageBanner { background: %1; border: 1px solid %2; border-radius: 4px; }")
                      .arg(background.name(), accent.name()));
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_icon->setPixmap(style()->standardIcon(icon, nullptr, this).pixmap(size, size));
}

} // namespace sigmaui
