#pragma once

#include "engine/engine.h"

#include <QString>
#include <QStringList>
#include <QWidget>

class QCheckBox;
class QLabel;

namespace sigmaui {

/// The Test pane's switch for reading Security 5156 (Windows Filtering Platform connection) events
/// as Sysmon network connections, so that network_connection rules see them
/// (sigma::CompileOptions::translateSecurity5156; the CLI's --translate-5156). It is remembered
/// per workspace (workspaceOf() the loaded events). Without a remembered choice the workspace's
/// `workspace.ini` ([test] translate_security_5156) decides, else it is off, as in the CLI.
class Security5156Switch : public QWidget {
    Q_OBJECT
public:
    explicit Security5156Switch(QWidget* parent = nullptr);

    /// The workspace of a set of event files: the nearest folder holding a `workspace.ini` at or
    /// above their common folder, else the common folder.
    static QString workspaceOf(const QStringList& eventFiles);
    /// The deepest folder holding every one of the files (empty for none).
    static QString commonFolder(const QStringList& eventFiles);
    /// Shows the choice remembered for `directory` (emits changed() when it differs).
    void setWorkspace(const QString& directory);
    QString workspace() const { return m_workspace; }

    bool isOn() const;
    /// Sets the switch as the user does (remembered for the workspace).
    void setOn(bool on);
    /// The live evaluation's compile options with this switch applied.
    sigma::CompileOptions compileOptions() const;

    QCheckBox* checkBox() const { return m_box; }
    QLabel* note() const { return m_note; }

Q_SIGNALS:
    void changed(bool on);

private:
    QCheckBox* m_box;
    QLabel* m_note;
    QString m_workspace;
};

} // namespace sigmaui
