#pragma once

#include <QMainWindow>

namespace sigmaui {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

} // namespace sigmaui
