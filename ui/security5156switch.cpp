#include "security5156switch.h"

#include <QCheckBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QSettings>
#include <QUrl>

namespace sigmaui {

namespace {

QString settingsKey(const QString& workspace)
{
    // One key per folder; the path is encoded so that its slashes do not make settings groups.
    return QStringLiteral("workspaces/%1/translateSecurity5156")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(QDir::cleanPath(workspace))));
}

/// The workspace's own default (the bundled sample workspace turns the translation on).
bool workspaceDefault(const QString& workspace)
{
    const QString file = QDir(workspace).filePath(QStringLiteral("workspace.ini"));
    if (workspace.isEmpty() || !QFileInfo::exists(file))
        return false;
    return QSettings(file, QSettings::IniFormat).value(QStringLiteral("test/translate_security_5156"), false).toBool();
}

} // namespace

Security5156Switch::Security5156Switch(QWidget* parent)
    : QWidget(parent)
    , m_box(new QCheckBox(tr("Read Security 5156 as network connections"), this))
    , m_note(new QLabel(this))
{
    m_box->setToolTip(tr("Windows Filtering Platform connection events (Security 5156) are translated to Sysmon "
                         "network connection fields (Application → Image, DestAddress → DestinationIp, …) so that "
                         "network_connection rules test them, as sigmawb match --translate-5156 does."));
    m_note->setText(tr("A SIEM query finds these events only with the matching field mapping."));
    m_note->setToolTip(m_note->text());
    m_note->setMinimumWidth(1); // one line, cut when the Test pane is narrow: the table keeps the height
    m_note->setEnabled(false);  // the palette's quieter text: a note, not a control
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_box);
    layout->addWidget(m_note, 1);
    connect(m_box, &QCheckBox::toggled, this, [this](bool on) {
        if (!m_workspace.isEmpty())
            QSettings().setValue(settingsKey(m_workspace), on);
        Q_EMIT changed(on);
    });
}

QString Security5156Switch::workspaceOf(const QStringList& eventFiles)
{
    // The nearest folder above the events' common folder that has a workspace.ini (the sample
    // workspace keeps its events in events/), else the common folder itself.
    const QString common = commonFolder(eventFiles);
    for (QString dir = common; !dir.isEmpty();) {
        if (QFileInfo::exists(QDir(dir).filePath(QStringLiteral("workspace.ini"))))
            return dir;
        const QString parent = QFileInfo(dir).absolutePath();
        dir = parent == dir ? QString() : parent;
    }
    return common;
}

QString Security5156Switch::commonFolder(const QStringList& eventFiles)
{
    QString common;
    for (const QString& file : eventFiles) {
        const QFileInfo info(file);
        const QString dir = info.isDir() ? info.absoluteFilePath() : info.absolutePath();
        if (common.isNull()) {
            common = dir;
            continue;
        }
        while (!common.isEmpty() && dir != common && !dir.startsWith(common + QLatin1Char('/'))) {
            const QString parent = QFileInfo(common).absolutePath();
            common = parent == common ? QString() : parent;
        }
    }
    return common;
}

void Security5156Switch::setWorkspace(const QString& directory)
{
    m_workspace = directory;
    const QVariant remembered = directory.isEmpty() ? QVariant() : QSettings().value(settingsKey(directory));
    const bool on = remembered.isValid() ? remembered.toBool() : workspaceDefault(directory);
    if (on == m_box->isChecked())
        return;
    const QSignalBlocker block(m_box); // not the user's choice: not remembered
    m_box->setChecked(on);
    Q_EMIT changed(on);
}

bool Security5156Switch::isOn() const
{
    return m_box->isChecked();
}

void Security5156Switch::setOn(bool on)
{
    m_box->setChecked(on);
}

sigma::CompileOptions Security5156Switch::compileOptions() const
{
    sigma::CompileOptions options;
    options.translateSecurity5156 = isOn();
    return options;
}

} // namespace sigmaui
