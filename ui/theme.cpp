#include "theme.h"

#include <algorithm>
#include <cmath>

#include <QActionGroup>
#include <QApplication>
#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace sigmaui {

namespace {
QPalette s_systemPalette;
bool s_systemPaletteKnown = false;
} // namespace

QString themeChoiceKey(ThemeChoice choice)
{
    switch (choice) {
    case ThemeChoice::Light:
        return QStringLiteral("light");
    case ThemeChoice::Dark:
        return QStringLiteral("dark");
    case ThemeChoice::System:
        break;
    }
    return QStringLiteral("system");
}

ThemeChoice themeChoiceFromKey(const QString& key)
{
    if (key == QLatin1String("light"))
        return ThemeChoice::Light;
    if (key == QLatin1String("dark"))
        return ThemeChoice::Dark;
    return ThemeChoice::System;
}

bool isDarkPalette(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QPalette paletteFor(ThemeChoice choice, const QPalette& systemPalette)
{
    if (choice == ThemeChoice::System)
        return systemPalette;
    QPalette p;
    if (choice == ThemeChoice::Light) {
        p.setColor(QPalette::Window, QColor(0xef, 0xf0, 0xf1));
        p.setColor(QPalette::WindowText, QColor(0x23, 0x26, 0x29));
        p.setColor(QPalette::Base, QColor(0xfc, 0xfc, 0xfc));
        p.setColor(QPalette::AlternateBase, QColor(0xf3, 0xf4, 0xf5));
        p.setColor(QPalette::Text, QColor(0x23, 0x26, 0x29));
        p.setColor(QPalette::Button, QColor(0xe8, 0xe9, 0xea));
        p.setColor(QPalette::ButtonText, QColor(0x23, 0x26, 0x29));
        p.setColor(QPalette::Highlight, QColor(0x3d, 0xae, 0xe9));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::ToolTipBase, QColor(0xf7, 0xf7, 0xf7));
        p.setColor(QPalette::ToolTipText, QColor(0x23, 0x26, 0x29));
        p.setColor(QPalette::PlaceholderText, QColor(0x70, 0x7d, 0x8a));
        p.setColor(QPalette::Link, QColor(0x29, 0x80, 0xb9));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(0xa0, 0xa2, 0xa4));
        p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0xa0, 0xa2, 0xa4));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0xa0, 0xa2, 0xa4));
    } else {
        p.setColor(QPalette::Window, QColor(0x2a, 0x2e, 0x32));
        p.setColor(QPalette::WindowText, QColor(0xe0, 0xe3, 0xe6));
        p.setColor(QPalette::Base, QColor(0x1e, 0x21, 0x24));
        p.setColor(QPalette::AlternateBase, QColor(0x26, 0x29, 0x2d));
        p.setColor(QPalette::Text, QColor(0xe0, 0xe3, 0xe6));
        p.setColor(QPalette::Button, QColor(0x31, 0x36, 0x3b));
        p.setColor(QPalette::ButtonText, QColor(0xe0, 0xe3, 0xe6));
        p.setColor(QPalette::Highlight, QColor(0x3d, 0xae, 0xe9));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::ToolTipBase, QColor(0x31, 0x36, 0x3b));
        p.setColor(QPalette::ToolTipText, QColor(0xe0, 0xe3, 0xe6));
        p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x93, 0x9c));
        p.setColor(QPalette::Link, QColor(0x5d, 0xb4, 0xf0));
        p.setColor(QPalette::Light, QColor(0x40, 0x46, 0x4c));
        p.setColor(QPalette::Midlight, QColor(0x36, 0x3b, 0x40));
        p.setColor(QPalette::Mid, QColor(0x24, 0x27, 0x2a));
        p.setColor(QPalette::Dark, QColor(0x1b, 0x1e, 0x20));
        p.setColor(QPalette::Shadow, QColor(0x0f, 0x10, 0x11));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x70, 0x76, 0x7c));
        p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x70, 0x76, 0x7c));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x70, 0x76, 0x7c));
    }
    return p;
}

void applyTheme(ThemeChoice choice)
{
    if (!s_systemPaletteKnown) {
        s_systemPalette = QApplication::palette();
        s_systemPaletteKnown = true;
    }
    if (choice != ThemeChoice::System) {
        if (QStyle* fusion = QStyleFactory::create(QStringLiteral("Fusion")))
            QApplication::setStyle(fusion);
    }
    QApplication::setPalette(paletteFor(choice, s_systemPalette));
}

namespace {
double linearChannel(int value)
{
    const double c = value / 255.0;
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}
double relativeLuminance(const QColor& c)
{
    return 0.2126 * linearChannel(c.red()) + 0.7152 * linearChannel(c.green()) + 0.0722 * linearChannel(c.blue());
}
} // namespace

double contrastRatio(const QColor& a, const QColor& b)
{
    const double la = relativeLuminance(a);
    const double lb = relativeLuminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor readableOn(const QColor& fore, const QColor& back, double minimum)
{
    // Towards black on a light background, towards white on a dark one, in small steps.
    const QColor goal = relativeLuminance(back) > 0.18 ? QColor(Qt::black) : QColor(Qt::white);
    QColor c = fore;
    for (int step = 1; step <= 20 && contrastRatio(c, back) < minimum; ++step) {
        const double t = step / 20.0;
        auto mix = [t](int from, int to) { return int(std::lround(from + (to - from) * t)); };
        c = QColor(mix(fore.red(), goal.red()), mix(fore.green(), goal.green()), mix(fore.blue(), goal.blue()));
    }
    return c;
}

QColor verdictGreen(bool dark)
{
    return dark ? QColor(0x81, 0xc7, 0x84) : QColor(0x2a, 0x70, 0x30);
}

QColor verdictRed(bool dark)
{
    return dark ? QColor(0xef, 0x73, 0x73) : QColor(0xc6, 0x28, 0x28);
}

QMenu* createThemeMenu(QWidget* parent)
{
    auto* menu = new QMenu(QCoreApplication::translate("sigmaui", "&Theme"), parent);
    auto* group = new QActionGroup(menu);
    const ThemeChoice current = themeChoiceFromKey(QSettings().value(QStringLiteral("ui/theme")).toString());
    const std::pair<ThemeChoice, QString> choices[] = {
        {ThemeChoice::System, QCoreApplication::translate("sigmaui", "&System")},
        {ThemeChoice::Light, QCoreApplication::translate("sigmaui", "&Light")},
        {ThemeChoice::Dark, QCoreApplication::translate("sigmaui", "&Dark")}};
    for (const auto& [choice, label] : choices) {
        QAction* a = menu->addAction(label);
        a->setCheckable(true);
        a->setChecked(choice == current);
        group->addAction(a);
        QObject::connect(a, &QAction::triggered, menu, [choice = choice] {
            QSettings().setValue(QStringLiteral("ui/theme"), themeChoiceKey(choice));
            applyTheme(choice);
        });
    }
    return menu;
}

void stylePageTitle(QLabel* title)
{
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.35);
    big.setBold(true);
    title->setFont(big);
    title->setTextInteractionFlags(Qt::TextSelectableByMouse);
}

} // namespace sigmaui
