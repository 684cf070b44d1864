#pragma once

#include <QPalette>
#include <QString>

class QApplication;
class QLabel;
class QMenu;
class QWidget;

namespace sigmaui {

/// The colour scheme the user chose (View ▸ Theme), persisted in QSettings under "ui/theme".
enum class ThemeChoice { System, Light, Dark };

QString themeChoiceKey(ThemeChoice choice);
ThemeChoice themeChoiceFromKey(const QString& key);

/// The palette for a choice; System returns the style's standard palette.
QPalette paletteFor(ThemeChoice choice, const QPalette& systemPalette);
/// True when the palette's window colour is dark (lightness below the middle).
bool isDarkPalette(const QPalette& palette);

/// A page's heading (technique and rule pages): larger, bold, selectable.
void stylePageTitle(QLabel* title);

/// WCAG 2.1 contrast ratio of two opaque colours (1 to 21).
double contrastRatio(const QColor& a, const QColor& b);
/// `fore`, moved towards black (light `back`) or white (dark `back`) just enough to reach `minimum`
/// contrast (WCAG AA for text: 4.5).
QColor readableOn(const QColor& fore, const QColor& back, double minimum = 4.5);

/// The strong green and red of verdicts and test results (matched / failed) on a dark or light palette.
QColor verdictGreen(bool dark);
QColor verdictRed(bool dark);

/// Applies the choice to the application (palette; Fusion style for the explicit choices).
void applyTheme(ThemeChoice choice);

/// View ▸ Theme: System, Light and Dark; a choice is applied at once and remembered.
QMenu* createThemeMenu(QWidget* parent);

} // namespace sigmaui
