#include "engine/ahocorasick.h"

#include <algorithm>
#include <deque>

namespace sigma::engine {

AhoCorasick::AhoCorasick()
{
    // Byte classes keep the table small: each digit, lower-case letter and common punctuation
    // mark has its own class, the rarer punctuation marks share one, every other byte shares
    // another. Literals are stored as class
    // strings, so two literals equal up to classes share one id (and its rules): merging can
    // only make the automaton report more literals, never fewer, so the pre-filter stays safe.
    m_classOf.fill(0);
    int classes = 1;
    for (unsigned c = '0'; c <= '9'; ++c)
        m_classOf[c] = static_cast<std::uint8_t>(classes++);
    for (unsigned c = 'a'; c <= 'z'; ++c)
        m_classOf[c] = static_cast<std::uint8_t>(classes++);
    // Upper-case ASCII shares its lower-case class, so an ASCII value can be scanned as it is:
    // its bytes fall into the classes of its case-folded form.
    for (unsigned c = 'A'; c <= 'Z'; ++c)
        m_classOf[c] = m_classOf[c - 'A' + 'a'];
    for (unsigned char c : std::string_view(" \\/.-_:%$'\"=,"))
        if (!m_classOf[c])
            m_classOf[c] = static_cast<std::uint8_t>(classes++);
    // The other punctuation, rarer in literals, shares one class: fewer classes, a smaller
    // table (rows of 50 cells) to build and to walk.
    for (unsigned char c : std::string_view("@()[]{};&|<>!?*+#~^`\t"))
        m_classOf[c] = static_cast<std::uint8_t>(classes);
    ++classes;
    m_classes = classes;
}

std::uint32_t AhoCorasick::add(std::string_view literal)
{
    std::string key;
    for (unsigned char c : literal)
        key += static_cast<char>(m_classOf[c]);
    m_maxLength = std::max(m_maxLength, key.size());
    auto [it, inserted] = m_ids.emplace(key, static_cast<std::uint32_t>(m_literals.size()));
    if (inserted)
        m_literals.push_back(std::move(key));
    return it->second;
}

void AhoCorasick::build()
{
    // Trie, in one flat table (row s: the transitions of state s), then turned in place into
    // the automaton: rows are completed in breadth-first order, each from its failure state's
    // row, which is shallower and so already complete.
    const std::size_t classes = static_cast<std::size_t>(m_classes);
    std::vector<std::int32_t> table(classes, -1);
    std::vector<std::int32_t> terminal(1, -1);
    for (std::uint32_t id = 0; id < m_literals.size(); ++id) {
        std::size_t s = 0;
        for (unsigned char k : m_literals[id]) {
            std::int32_t t = table[s * classes + k];
            if (t < 0) {
                t = static_cast<std::int32_t>(terminal.size());
                table[s * classes + k] = t;
                table.resize(table.size() + classes, -1);
                terminal.push_back(-1);
            }
            s = static_cast<std::size_t>(t);
        }
        terminal[s] = static_cast<std::int32_t>(id);
    }
    const std::size_t n = terminal.size();
    m_terminal = std::move(terminal);
    m_outLink.assign(n, -1);
    std::vector<std::int32_t> fail(n, 0);
    std::vector<std::int32_t> queue;
    queue.reserve(n);
    for (std::size_t k = 0; k < classes; ++k) {
        const std::int32_t t = table[k];
        if (t > 0)
            queue.push_back(t);
        else
            table[k] = 0;
    }
    for (std::size_t head = 0; head < queue.size(); ++head) {
        const auto s = static_cast<std::size_t>(queue[head]);
        // Output link: nearest proper suffix state that ends a literal.
        const auto f = static_cast<std::size_t>(fail[s]);
        m_outLink[s] = m_terminal[f] >= 0 ? static_cast<std::int32_t>(f) : m_outLink[f];
        std::int32_t* row = table.data() + s * classes;
        const std::int32_t* failRow = table.data() + f * classes;
        for (std::size_t k = 0; k < classes; ++k) {
            const std::int32_t t = row[k];
            if (t > 0) {
                fail[static_cast<std::size_t>(t)] = failRow[k];
                queue.push_back(t);
            } else {
                row[k] = failRow[k];
            }
        }
    }
    m_ids.clear();
    // Flag transitions into states that end a literal (directly or through output links) so
    // the scan loop touches only the transition table. Most automata have fewer than 32768
    // states: a 16-bit table halves the memory the scan walks through.
    std::vector<char> output(n);
    for (std::size_t st = 0; st < n; ++st)
        output[st] = m_terminal[st] >= 0 || m_outLink[st] >= 0;
    m_delta.clear();
    m_delta16.clear();
    if (n < 0x8000) {
        m_delta16.resize(table.size());
        for (std::size_t i = 0; i < table.size(); ++i) {
            const auto d = static_cast<std::uint32_t>(table[i]);
            m_delta16[i] = static_cast<std::uint16_t>(d | (output[d] ? 0x8000u : 0u));
        }
    } else {
        m_delta.resize(table.size());
        for (std::size_t i = 0; i < table.size(); ++i) {
            const auto d = static_cast<std::uint32_t>(table[i]);
            m_delta[i] = d | (output[d] ? kOutput : 0u);
        }
    }
}

} // namespace sigma::engine
