#include "mainwindow.h"

#include <QApplication>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    sigmaui::MainWindow window;
    window.show();
    return app.exec();
}
