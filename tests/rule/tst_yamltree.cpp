// The fast YAML reader against yaml-cpp, without ../shared: every YAML file of the project (test
// fixtures and the bundled samples) and thousands of generated documents in the block style Sigma
// rules are written in, plus mutations of them. Wherever the fast reader accepts a document its tree
// must equal yaml-cpp's (kinds, styles, tags, values, byte offsets); where it gives up, yaml-cpp
// reads it. The generator must reach the fast path often, or the check proves nothing.
#include "testsupport.h"

#include "rule/yamltree.h"

#include <QDir>
#include <QDirIterator>
#include <QTest>

#include <random>
#include <string>

using namespace sigma::yamltree;

namespace {

struct Outcome {
    bool fast = false;
    bool same = false;
};

Outcome compare(const std::string& text)
{
    const LineIndex lines(text);
    const Limits limits;
    const Tree f = parse(text, lines, limits, "g.yml", Reader::Fast);
    const Tree y = parse(text, lines, limits, "g.yml", Reader::YamlCpp);
    return {f.fastPath, !f.fastPath || sameTree(f, y)};
}

/// Sigma-like block YAML from a seed: maps, sequences, the scalar forms rules use, comments,
/// literal blocks, flow sequences, several documents, keys with modifiers, UTF-8.
class Generator {
public:
    explicit Generator(unsigned seed)
        : m_rng(seed)
    {}

    std::string document()
    {
        std::string out;
        const int docs = pick(4) == 0 ? 2 : 1;
        for (int d = 0; d < docs; ++d) {
            if (d > 0 || pick(5) == 0)
                out += pick(2) ? "---\n" : "--- # next\n";
            map(out, 0, 0);
        }
        return out;
    }

private:
    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(m_rng); }

    std::string word()
    {
        static const char* words[] = {"Image",
                                      "CommandLine",
                                      "sel",
                                      "filter_main",
                                      "title",
                                      "a",
                                      "b_2",
                                      "ParentImage|endswith",
                                      "Hashes|contains|all",
                                      "EventID",
                                      "x.y",
                                      "ü"};
        return words[pick(12)];
    }

    std::string scalar()
    {
        static const char* plain[] = {"cmd.exe",     "\\\\Windows\\\\System32",
                                      "42",          "0x17",
                                      "true",        "null",
                                      "~",           "-x",
                                      "a b c",       "é中",
                                      "C:\\Temp\\*", "*.ps1",
                                      "1.5",         ""};
        switch (pick(6)) {
        case 0:
            return std::string("'") + "it''s " + plain[pick(13)] + "'";
        case 1:
            return std::string("\"") + plain[pick(13)] + "\"";
        case 2:
            return "[" + std::string(plain[pick(13)]) + ", 'q'" + (pick(2) ? ", 3" : "") + "]";
        case 3:
            return pick(2) ? "[]" : "''";
        default:
            return plain[pick(14)];
        }
    }

    void comment(std::string& out)
    {
        if (pick(5) == 0)
            out += "  # note";
    }

    void map(std::string& out, int indent, int depth)
    {
        const int keys = 1 + pick(4);
        for (int k = 0; k < keys; ++k) {
            out += std::string(indent, ' ') + word() + (pick(8) == 0 ? std::to_string(k) : std::string()) + ":";
            value(out, indent, depth);
        }
    }

    void value(std::string& out, int indent, int depth)
    {
        const int kind = depth >= 3 ? pick(2) : pick(6);
        if (kind <= 1) { // scalar on the key's line
            if (pick(10) != 0)
                out += " " + scalar();
            comment(out);
            out += "\n";
        } else if (kind == 2) { // literal block
            static const char* headers[] = {"|", "|-", "|+"};
            out += std::string(" ") + headers[pick(3)] + "\n";
            const int n = 1 + pick(3);
            for (int i = 0; i < n; ++i)
                out += pick(5) == 0 ? std::string("\n") : std::string(indent + 4, ' ') + "line " + scalar() + "\n";
        } else if (kind == 3 || kind == 4) { // sequence, indented or at the key's column
            comment(out);
            out += "\n";
            const int step = kind == 3 ? 4 : 0;
            const int n = 1 + pick(3);
            for (int i = 0; i < n; ++i) {
                if (pick(3) == 0 && depth < 3) {
                    out += std::string(indent + step, ' ') + "- ";
                    std::string inner;
                    map(inner, indent + step + 2, depth + 1);
                    out += inner.substr(static_cast<std::size_t>(indent + step + 2));
                } else {
                    out += std::string(indent + step, ' ') + "- " + scalar() + "\n";
                }
            }
        } else { // nested map
            comment(out);
            out += "\n";
            map(out, indent + 4, depth + 1);
        }
    }

    std::mt19937 m_rng;
};

/// A random byte-level edit: insert, delete or replace one character with a YAML indicator.
std::string mutate(std::string text, std::mt19937& rng)
{
    if (text.empty())
        return text;
    static const char chars[] = " \n:-'\"#|>[]{},&*!%@`\t?";
    const auto at = std::uniform_int_distribution<std::size_t>(0, text.size() - 1)(rng);
    const char c = chars[std::uniform_int_distribution<std::size_t>(0, sizeof chars - 2)(rng)];
    switch (rng() % 3) {
    case 0:
        text.insert(at, 1, c);
        break;
    case 1:
        text.erase(at, 1);
        break;
    default:
        text[at] = c;
    }
    return text;
}

} // namespace

class TestYamlTree : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void projectFiles_data()
    {
        QTest::addColumn<QString>("path");
        const QString root = QDir(sigmatest::dataPath(QString())).absolutePath();
        const QStringList bases{root,
                                QDir(sigmatest::dataPath(QStringLiteral("../../resources/samples"))).absolutePath()};
        int n = 0;
        for (const QString& base : bases) {
            QDirIterator it(base, {QStringLiteral("*.yml"), QStringLiteral("*.yaml")}, QDir::Files,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString path = it.next();
                QTest::newRow(qPrintable(QDir(base).relativeFilePath(path) + QLatin1Char('@') + QString::number(n++)))
                    << path;
            }
        }
        QVERIFY(n > 50);
    }
    void projectFiles()
    {
        QFETCH(QString, path);
        const Outcome o = compare(sigmatest::readFile(path).toStdString());
        QVERIFY2(o.same, qPrintable(path));
    }

    void generatedDocuments()
    {
        int fast = 0;
        int total = 0;
        int mutatedFast = 0;
        std::mt19937 rng(20261202);
        for (unsigned seed = 1; seed <= 3000; ++seed) {
            const std::string doc = Generator(seed).document();
            const Outcome o = compare(doc);
            QVERIFY2(o.same, ("seed " + std::to_string(seed) + ":\n" + doc).c_str());
            fast += o.fast;
            ++total;
            for (int m = 0; m < 3; ++m) {
                const std::string bad = mutate(doc, rng);
                const Outcome mo = compare(bad);
                QVERIFY2(mo.same, ("mutation of seed " + std::to_string(seed) + ":\n" + bad).c_str());
                mutatedFast += mo.fast;
            }
        }
        qInfo("%d of %d generated documents read by the fast reader, %d of %d mutations", fast, total, mutatedFast,
              3 * total);
        // The generator writes the fast reader's subset often (about a third of the documents; the
        // rest use escapes, keep-chomping or other forms it leaves to yaml-cpp): otherwise the
        // check would be empty.
        QVERIFY2(fast > total / 4, qPrintable(QString::number(fast)));
        QVERIFY(mutatedFast > 0);
    }
};

QTEST_GUILESS_MAIN(TestYamlTree)
#include "tst_yamltree.moc"
