// The one file that knows whether KF6 SyntaxHighlighting is built in (SIGMA_HAVE_KSYNTAXHIGHLIGHTING,
// defined by ui/CMakeLists.txt on the sigmaui target only).
#include "syntaxsupport.h"

#include "theme.h"
#include "yamlhighlighter.h"

#include <QTextDocument>

#if SIGMA_HAVE_KSYNTAXHIGHLIGHTING
#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/SyntaxHighlighter>
#include <KSyntaxHighlighting/Theme>
#endif

namespace sigmaui {

void fillSigmaColors(EditorColors& c)
{
    if (c.dark) {
        // Opaque, dark enough that the theme's text and our Sigma colours stay readable (WCAG AA,
        // tst_ui_contrast).
        c.matched = QColor(0x1b, 0x3a, 0x1e);
        c.failed = QColor(0x4a, 0x1c, 0x1c);
        c.error = QColor(0xff, 0x6b, 0x6b);
        c.warning = QColor(0xf0, 0xc6, 0x4a);
        c.info = QColor(0x6c, 0xb6, 0xff);
        c.sigmaKeyword = QColor(0xc5, 0x86, 0xc0);
        c.sigmaModifier = QColor(0x4e, 0xc9, 0xb0);
        c.sigmaIdentifier = QColor(0xdc, 0xdc, 0xaa);
    } else {
        c.matched = QColor(0xdc, 0xef, 0xdc);
        c.failed = QColor(0xfd, 0xe0, 0xe0);
        c.error = QColor(0xd3, 0x2f, 0x2f);
        c.warning = QColor(0x9a, 0x6a, 0x00);
        c.info = QColor(0x19, 0x76, 0xd2);
        c.sigmaKeyword = QColor(0x8e, 0x24, 0xaa);
        c.sigmaModifier = QColor(0x00, 0x69, 0x5c);
        c.sigmaIdentifier = QColor(0x79, 0x5e, 0x00);
    }
}

namespace {
EditorColors colorsFromPalette(const QPalette& palette)
{
    EditorColors c;
    c.dark = isDarkPalette(palette);
    c.background = palette.color(QPalette::Base);
    c.text = palette.color(QPalette::Text);
    c.selection = palette.color(QPalette::Highlight);
    c.currentLine = c.dark ? c.background.lighter(130) : c.background.darker(106);
    c.lineNumberBackground = palette.color(QPalette::Window);
    c.lineNumberText = readableOn(palette.color(QPalette::Disabled, QPalette::Text), c.lineNumberBackground);
    c.currentLineNumberText = palette.color(QPalette::Text);
    fillSigmaColors(c);
    return c;
}
} // namespace

#if SIGMA_HAVE_KSYNTAXHIGHLIGHTING

struct SyntaxSupport::Private {
    KSyntaxHighlighting::Repository repository;
    KSyntaxHighlighting::Definition yaml;
    KSyntaxHighlighting::Theme theme(const QPalette& palette) const { return repository.themeForPalette(palette); }
};

SyntaxSupport::SyntaxSupport()
    : d(std::make_unique<Private>())
{
    d->yaml = d->repository.definitionForName(QStringLiteral("YAML"));
}

SyntaxSupport::~SyntaxSupport() = default;

bool SyntaxSupport::hasKSyntaxHighlighting()
{
    return true;
}

QString SyntaxSupport::backendDescription() const
{
    return QStringLiteral("KSyntaxHighlighting (%1)")
        .arg(d->yaml.isValid() ? d->yaml.name() : QStringLiteral("no YAML definition"));
}

QSyntaxHighlighter* SyntaxSupport::createHighlighter(QTextDocument* document, const QPalette& palette) const
{
    if (!d->yaml.isValid()) // a broken installation: still highlight
        return new YamlHighlighter(document, colorsFromPalette(palette).dark);
    auto* h = new KSyntaxHighlighting::SyntaxHighlighter(document);
    h->setDefinition(d->yaml);
    h->setTheme(d->theme(palette));
    return h;
}

void SyntaxSupport::applyPalette(QSyntaxHighlighter* highlighter, const QPalette& palette) const
{
    if (auto* h = dynamic_cast<KSyntaxHighlighting::SyntaxHighlighter*>(highlighter)) {
        h->setTheme(d->theme(palette));
        h->rehighlight();
    } else if (auto* y = dynamic_cast<YamlHighlighter*>(highlighter)) {
        y->setDark(isDarkPalette(palette));
    }
}

EditorColors SyntaxSupport::colorsFor(const QPalette& palette) const
{
    const KSyntaxHighlighting::Theme theme = d->theme(palette);
    if (!theme.isValid())
        return colorsFromPalette(palette);
    using T = KSyntaxHighlighting::Theme;
    EditorColors c;
    c.background = QColor::fromRgba(theme.editorColor(T::BackgroundColor));
    c.dark = c.background.lightness() < 128;
    c.text = QColor::fromRgba(theme.textColor(T::Normal));
    c.selection = QColor::fromRgba(theme.editorColor(T::TextSelection));
    c.currentLine = QColor::fromRgba(theme.editorColor(T::CurrentLine));
    c.lineNumberBackground = QColor::fromRgba(theme.editorColor(T::IconBorder));
    c.lineNumberText = readableOn(QColor::fromRgba(theme.editorColor(T::LineNumbers)), c.lineNumberBackground);
    c.currentLineNumberText = QColor::fromRgba(theme.editorColor(T::CurrentLineNumber));
    fillSigmaColors(c);
    return c;
}

QString SyntaxSupport::themeName(const QPalette& palette) const
{
    return d->theme(palette).name();
}

#else // built-in highlighter

struct SyntaxSupport::Private {};

SyntaxSupport::SyntaxSupport()
    : d(std::make_unique<Private>())
{}

SyntaxSupport::~SyntaxSupport() = default;

bool SyntaxSupport::hasKSyntaxHighlighting()
{
    return false;
}

QString SyntaxSupport::backendDescription() const
{
    return QStringLiteral("built-in YAML highlighter");
}

QSyntaxHighlighter* SyntaxSupport::createHighlighter(QTextDocument* document, const QPalette& palette) const
{
    return new YamlHighlighter(document, isDarkPalette(palette));
}

void SyntaxSupport::applyPalette(QSyntaxHighlighter* highlighter, const QPalette& palette) const
{
    if (auto* y = dynamic_cast<YamlHighlighter*>(highlighter))
        y->setDark(isDarkPalette(palette));
}

EditorColors SyntaxSupport::colorsFor(const QPalette& palette) const
{
    return colorsFromPalette(palette);
}

QString SyntaxSupport::themeName(const QPalette& palette) const
{
    return isDarkPalette(palette) ? QStringLiteral("Built-in Dark") : QStringLiteral("Built-in Light");
}

#endif

} // namespace sigmaui
