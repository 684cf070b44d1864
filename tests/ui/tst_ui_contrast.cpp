// Every colour the workbench paints text or marks with is readable in the light and the dark theme
// (issue 20, Themes): WCAG 2.1 AA, contrast ratio >= 4.5:1 for text (1.4.3) and >= 3:1 for
// graphical marks such as error underlines (1.4.11). Translucent marks are blended over the editor
// background first, as the editor paints them.
#include "editorcolors.h"
#include "syntaxsupport.h"
#include "theme.h"
#include "yamlhighlighter.h"

#include <QApplication>
#include <QTest>
#include <QTextDocument>

#include <cmath>

using namespace sigmaui;

namespace {

double contrast(const QColor& a, const QColor& b)
{
    return contrastRatio(a, b);
}

/// `over` (possibly translucent) painted on the opaque `under`.
QColor blend(const QColor& over, const QColor& under)
{
    const double a = over.alphaF();
    auto mix = [a](int o, int u) { return int(std::lround(o * a + u * (1.0 - a))); };
    return QColor(mix(over.red(), under.red()), mix(over.green(), under.green()), mix(over.blue(), under.blue()));
}

constexpr double TextMinimum = 4.5;
constexpr double GraphicMinimum = 3.0;

} // namespace

class TestContrast : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void ratioIsWcag()
    {
        // The formula itself, on the values WCAG publishes: black on white 21:1, same colour 1:1.
        QCOMPARE(std::lround(contrast(Qt::black, Qt::white) * 10), 210L);
        QCOMPARE(contrast(QColor(0x77, 0x77, 0x77), QColor(0x77, 0x77, 0x77)), 1.0);
        // #767676 on white is the lightest grey that passes AA (4.54:1).
        QVERIFY(contrast(QColor(0x76, 0x76, 0x76), Qt::white) >= TextMinimum);
        QVERIFY(contrast(QColor(0x77, 0x77, 0x77), Qt::white) < 4.49);
    }

    void editorColors_data()
    {
        QTest::addColumn<int>("theme");
        QTest::newRow("light") << int(ThemeChoice::Light);
        QTest::newRow("dark") << int(ThemeChoice::Dark);
        QTest::newRow("system") << int(ThemeChoice::System);
    }

    void editorColors()
    {
        QFETCH(int, theme);
        const QPalette palette = paletteFor(ThemeChoice(theme), QApplication::palette());
        SyntaxSupport syntax;
        const EditorColors c = syntax.colorsFor(palette);
        if (ThemeChoice(theme) != ThemeChoice::System)
            QCOMPARE(c.dark, ThemeChoice(theme) == ThemeChoice::Dark);

        struct Pair {
            const char* what;
            QColor fore;
            QColor back;
            double minimum;
        };
        const QColor matchedBack = blend(c.matched, c.background);
        const QColor failedBack = blend(c.failed, c.background);
        const Pair pairs[] = {
            {"text on the editor background", c.text, c.background, TextMinimum},
            {"text on the current line", c.text, blend(c.currentLine, c.background), TextMinimum},
            {"line numbers", c.lineNumberText, c.lineNumberBackground, TextMinimum},
            {"current line number", c.currentLineNumberText, c.lineNumberBackground, TextMinimum},
            {"text in a matched mark", c.text, matchedBack, TextMinimum},
            {"text in a failed mark", c.text, failedBack, TextMinimum},
            {"condition keyword", c.sigmaKeyword, c.background, TextMinimum},
            {"modifier", c.sigmaModifier, c.background, TextMinimum},
            {"search identifier", c.sigmaIdentifier, c.background, TextMinimum},
            {"modifier in a matched mark", c.sigmaModifier, matchedBack, TextMinimum},
            {"modifier in a failed mark", c.sigmaModifier, failedBack, TextMinimum},
            {"identifier in a failed mark", c.sigmaIdentifier, failedBack, TextMinimum},
            {"keyword in a failed mark", c.sigmaKeyword, failedBack, TextMinimum},
            {"error underline", c.error, c.background, GraphicMinimum},
            {"warning underline", c.warning, c.background, GraphicMinimum},
            {"hint underline", c.info, c.background, GraphicMinimum},
        };
        QStringList failures;
        for (const Pair& p : pairs) {
            const double ratio = contrast(p.fore, p.back);
            if (ratio < p.minimum)
                failures << QStringLiteral("%1: %2 on %3 is %4:1 (needs %5:1)")
                                .arg(QLatin1String(p.what), p.fore.name(), p.back.name())
                                .arg(ratio, 0, 'f', 2)
                                .arg(p.minimum, 0, 'f', 1);
        }
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1String("; "))));
    }

    void yamlColors_data()
    {
        QTest::addColumn<int>("theme");
        QTest::newRow("light") << int(ThemeChoice::Light);
        QTest::newRow("dark") << int(ThemeChoice::Dark);
    }

    void yamlColors()
    {
        // The built-in YAML highlighter (builds without KSyntaxHighlighting): every role on the
        // editor background, on the current line and inside matched and failed marks. Before: the
        // comments 4.09:1 (light) and 4.25:1 (dark), down to 3.3:1 in a mark.
        QFETCH(int, theme);
        const QPalette palette = paletteFor(ThemeChoice(theme), QApplication::palette());
        SyntaxSupport syntax;
        const EditorColors c = syntax.colorsFor(palette);
        const QColor background = palette.color(QPalette::Base);
        const QColor currentLine = c.dark ? background.lighter(130) : background.darker(106);
        QTextDocument document;
        const YamlHighlighter highlighter(&document, c.dark);
        using Role = YamlHighlighter::Role;
        const std::pair<Role, const char*> roles[] = {{Role::Key, "key"},
                                                      {Role::Modifier, "modifier"},
                                                      {Role::Comment, "comment"},
                                                      {Role::String, "string"},
                                                      {Role::Constant, "constant"},
                                                      {Role::Punctuation, "punctuation"},
                                                      {Role::DocumentMarker, "document marker"},
                                                      {Role::BlockScalar, "block scalar"}};
        const std::pair<QColor, const char*> backs[] = {{background, "the background"},
                                                        {currentLine, "the current line"},
                                                        {blend(c.matched, background), "a matched mark"},
                                                        {blend(c.failed, background), "a failed mark"}};
        QStringList failures;
        for (const auto& [role, name] : roles) {
            const QColor fore = highlighter.formatFor(role).foreground().color();
            for (const auto& [back, where] : backs)
                if (contrast(fore, back) < TextMinimum)
                    failures << QStringLiteral("%1 %2 on %3 %4: %5:1")
                                    .arg(QLatin1String(name), fore.name(), QLatin1String(where), back.name())
                                    .arg(contrast(fore, back), 0, 'f', 2);
        }
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1String("; "))));
    }

    void verdictColors_data()
    {
        QTest::addColumn<int>("theme");
        QTest::newRow("light") << int(ThemeChoice::Light);
        QTest::newRow("dark") << int(ThemeChoice::Dark);
    }

    void verdictColors()
    {
        // Match / no match / test pass and fail are text in the Test pane's rows and the status bar.
        QFETCH(int, theme);
        const bool dark = ThemeChoice(theme) == ThemeChoice::Dark;
        const QPalette palette = paletteFor(ThemeChoice(theme), QApplication::palette());
        for (QPalette::ColorRole role : {QPalette::Base, QPalette::AlternateBase, QPalette::Window}) {
            const QColor back = palette.color(role);
            QVERIFY2(contrast(verdictGreen(dark), back) >= TextMinimum,
                     qPrintable(QStringLiteral("green %1 on %2: %3:1")
                                    .arg(verdictGreen(dark).name(), back.name())
                                    .arg(contrast(verdictGreen(dark), back))));
            QVERIFY2(contrast(verdictRed(dark), back) >= TextMinimum,
                     qPrintable(QStringLiteral("red %1 on %2: %3:1")
                                    .arg(verdictRed(dark).name(), back.name())
                                    .arg(contrast(verdictRed(dark), back))));
        }
    }
};

QTEST_MAIN(TestContrast)
#include "tst_ui_contrast.moc"
