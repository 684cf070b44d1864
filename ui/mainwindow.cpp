#include "mainwindow.h"

namespace sigmaui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Sigma Workbench"));
}

} // namespace sigmaui
