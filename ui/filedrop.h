#pragma once

// Files and folders dropped on a widget (from a file manager), handed to a function as local
// paths; other drops are left to the widget.
#include <QObject>
#include <QStringList>

#include <functional>

class QWidget;

namespace sigmaui {

class FileDropFilter : public QObject {
    Q_OBJECT
public:
    /// Installs itself on `target` (which then accepts drops) and calls `open` with the paths.
    FileDropFilter(QWidget* target, std::function<void(const QStringList&)> open);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    std::function<void(const QStringList&)> m_open;
};

} // namespace sigmaui
