// The SigmaHQ snapshot (../shared/corpus/sigmahq/rules*/): every rule parses and lints with zero
// errors, and the spans the parser reports point at the text they describe.
#include "testsupport.h"

#include "rule/lint.h"
#include "rule/parser.h"
#include "rule/yamltree.h"

#include <QDir>
#include <QDirIterator>
#include <QTest>

#include <map>

namespace {

/// Rules of the snapshot that really violate the specification, by id, with the reason. Each entry
/// must still produce an error (so the list stays honest). None in the current snapshot.
const std::map<std::string, std::string> kKnownViolations{};

std::string lineText(const std::string& text, int line)
{
    std::size_t pos = 0;
    for (int l = 1; l < line && pos != std::string::npos; ++l) {
        pos = text.find('\n', pos);
        if (pos != std::string::npos)
            ++pos;
    }
    if (pos == std::string::npos)
        return {};
    const auto end = text.find('\n', pos);
    return text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
}

std::string slice(const std::string& text, const sigma::SourceSpan& s)
{
    if (s.begin.line != s.end.line)
        return {};
    const auto l = lineText(text, s.begin.line);
    if (s.begin.column < 1 || s.end.column < s.begin.column || std::size_t(s.end.column - 1) > l.size())
        return "<out of line>";
    return l.substr(std::size_t(s.begin.column - 1), std::size_t(s.end.column - s.begin.column));
}

} // namespace

class TestRuleCorpus : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sigmahqHasNoErrors()
    {
        SIGMA_REQUIRE_SHARED("corpus/sigmahq");
        QStringList files;
        const QDir root(sharedPathValue);
        for (const auto& dir : root.entryList({QStringLiteral("rules*")}, QDir::Dirs)) {
            QDirIterator it(root.filePath(dir), {QStringLiteral("*.yml")}, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext())
                files << it.next();
        }
        files.sort();
        QVERIFY2(files.size() > 3000, qPrintable(QString::number(files.size())));
        std::vector<sigma::ParsedFile> parsed;
        parsed.reserve(std::size_t(files.size()));
        QStringList unexpected;
        std::map<std::string, bool> knownSeen;
        std::size_t values = 0, checkedValues = 0, tokens = 0, checkedTokens = 0, modifiers = 0;
        for (const auto& f : files) {
            parsed.push_back(sigma::parseRuleFile(f.toStdString()));
            const auto& p = parsed.back();
            const auto diagnostics = sigma::lintFile(p);
            const auto* rule = p.firstRule();
            const std::string id = rule ? rule->id : std::string();
            for (const auto& d : diagnostics) {
                if (d.severity != sigma::Severity::Error)
                    continue;
                if (kKnownViolations.count(id))
                    knownSeen[id] = true;
                else
                    unexpected << QString::fromStdString(d.format());
            }
            for (const auto& doc : p.documents) {
                const auto* r = doc.rule();
                if (!r)
                    continue;
                QVERIFY2(!r->conditions.empty(), qPrintable(f));
                for (const auto& s : r->detection) {
                    QCOMPARE(QString::fromStdString(slice(p.text, s.nameSpan)), QString::fromStdString(s.name));
                    for (const auto& m : s.maps)
                        for (const auto& item : m.items) {
                            if (!item.isKeyword)
                                QCOMPARE(QString::fromStdString(slice(p.text, item.fieldSpan)),
                                         QString::fromStdString(item.field));
                            for (const auto& mod : item.modifiers) {
                                ++modifiers;
                                QCOMPARE(QString::fromStdString(slice(p.text, mod.span)),
                                         QString::fromStdString(mod.written));
                            }
                            for (const auto& v : item.values) {
                                ++values;
                                const auto text = slice(p.text, v.span);
                                if (text.empty() || v.type == sigma::Value::Type::Null)
                                    continue;
                                ++checkedValues;
                                if (!v.quoted)
                                    QCOMPARE(QString::fromStdString(text), QString::fromStdString(v.text));
                                else if (v.text.find('\'') == std::string::npos && text.front() == '\'')
                                    QCOMPARE(QString::fromStdString(text), QString::fromStdString("'" + v.text + "'"));
                            }
                        }
                }
                for (const auto& c : r->conditions) {
                    QVERIFY2(c.root, qPrintable(f));
                    for (const auto& t : c.tokens) {
                        ++tokens;
                        const auto text = slice(p.text, t.span);
                        if (text.empty())
                            continue;
                        ++checkedTokens;
                        QCOMPARE(QString::fromStdString(text), QString::fromStdString(t.text));
                    }
                }
            }
        }
        // the fast YAML reader gives yaml-cpp's tree for every file it reads
        std::size_t fast = 0;
        for (const auto& p : parsed) {
            const sigma::yamltree::LineIndex lines(p.text);
            const auto f = sigma::yamltree::parse(p.text, lines, {}, p.file, sigma::yamltree::Reader::Fast);
            if (!f.fastPath)
                continue;
            ++fast;
            const auto y = sigma::yamltree::parse(p.text, lines, {}, p.file, sigma::yamltree::Reader::YamlCpp);
            QVERIFY2(sigma::yamltree::sameTree(f, y), p.file.c_str());
        }
        qInfo("fast YAML reader: %zu of %zu files (the others through yaml-cpp)", fast, parsed.size());
        QVERIFY(fast > parsed.size() * 9 / 10);
        QVERIFY2(unexpected.isEmpty(), qPrintable(unexpected.mid(0, 20).join(QLatin1Char('\n'))));
        for (const auto& [id, reason] : kKnownViolations)
            QVERIFY2(knownSeen[id], ("listed violation no longer fails: " + id + " (" + reason + ")").c_str());
        // duplicates across the whole snapshot
        std::vector<const sigma::ParsedFile*> set;
        for (const auto& p : parsed)
            set.push_back(&p);
        QStringList setErrors;
        for (const auto& d : sigma::lintSet(set))
            if (d.severity == sigma::Severity::Error)
                setErrors << QString::fromStdString(d.format());
        QVERIFY2(setErrors.isEmpty(), qPrintable(setErrors.mid(0, 20).join(QLatin1Char('\n'))));
        qInfo("%lld files; %zu values (%zu position-checked), %zu modifiers, %zu condition tokens (%zu checked)",
              qlonglong(files.size()), values, checkedValues, modifiers, tokens, checkedTokens);
        QVERIFY(checkedValues > 10000);
        QVERIFY(checkedTokens > 10000);
    }
};

QTEST_GUILESS_MAIN(TestRuleCorpus)
#include "tst_rule_corpus.moc"
