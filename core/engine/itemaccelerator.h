#pragma once

// Internal to the engine: the fast path of an item with many `contains` values (see below), built
// by compileitem.cpp and used by matchers.cpp.

#include "engine/valuematchers.h"

#include <string.h> // memmem

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sigma::engine {

/// "Does any value of the item match this text?" for an item of plain string values (no |all,
/// not negated, all folded or all cased), with many `contains` values: those are found in one
/// pass over the text, by their first four bytes (a 4096-bucket hash and a bit set in front of
/// it), then compared whole; the few others (plain, startswith, endswith, wildcards, needles
/// shorter than four bytes) are tested one by one. Same answer as testing value by value.
class ItemAccelerator {
public:
    static constexpr std::size_t kMinNeedles = 6;

    static std::shared_ptr<const ItemAccelerator> build(const CompiledItem& item)
    {
        if (item.keyword || item.all || item.values.empty())
            return nullptr;
        auto acc = std::make_shared<ItemAccelerator>();
        bool first = true;
        std::vector<std::string> needles;
        for (const auto& v : item.values) {
            const auto* sm = dynamic_cast<const StringMatcher*>(v.matcher.get());
            if (!sm || sm->negated() || (!first && sm->folds() != acc->m_fold))
                return nullptr;
            acc->m_fold = sm->folds();
            first = false;
            for (const auto& g : sm->globs()) {
                if (g.shape() == Glob::Shape::Contains && g.literal().size() >= 4)
                    needles.push_back(g.literal());
                else if (g.shape() == Glob::Shape::Contains)
                    acc->m_short.push_back(g.literal());
                else
                    acc->m_others.push_back(&g);
            }
        }
        std::sort(needles.begin(), needles.end());
        needles.erase(std::unique(needles.begin(), needles.end()), needles.end());
        if (needles.size() < kMinNeedles)
            return nullptr;
        // Bucket the needles by the hash of their first four bytes (counting sort).
        std::vector<std::uint32_t> bucketOf(needles.size());
        acc->m_bucketStart.assign(kBuckets + 1, 0);
        for (std::size_t k = 0; k < needles.size(); ++k) {
            bucketOf[k] = bucket(needles[k].data());
            ++acc->m_bucketStart[bucketOf[k] + 1];
        }
        for (std::size_t b = 0; b < kBuckets; ++b)
            acc->m_bucketStart[b + 1] += acc->m_bucketStart[b];
        acc->m_needles.resize(needles.size());
        std::vector<std::uint32_t> fill(acc->m_bucketStart.begin(), acc->m_bucketStart.end() - 1);
        for (std::size_t k = 0; k < needles.size(); ++k) {
            acc->m_needles[fill[bucketOf[k]]++] = std::move(needles[k]);
            acc->m_bits[bucketOf[k] >> 6] |= std::uint64_t{1} << (bucketOf[k] & 63);
        }
        return acc;
    }

    bool folds() const { return m_fold; }

    bool anyMatch(std::string_view text) const
    {
        for (const Glob* g : m_others)
            if (g->match(text))
                return true;
        for (const auto& n : m_short)
            if (memmem(text.data(), text.size(), n.data(), n.size()))
                return true;
        if (text.size() < 4)
            return false;
        const char* p = text.data();
        const std::size_t end = text.size() - 3;
        for (std::size_t i = 0; i < end; ++i) {
            const std::uint32_t b = bucket(p + i);
            if (!((m_bits[b >> 6] >> (b & 63)) & 1))
                continue;
            for (std::uint32_t k = m_bucketStart[b]; k < m_bucketStart[b + 1]; ++k) {
                const std::string& n = m_needles[k];
                if (n.size() <= text.size() - i && std::memcmp(p + i, n.data(), n.size()) == 0)
                    return true;
            }
        }
        return false;
    }

private:
    static constexpr int kBucketBits = 12;
    static constexpr std::size_t kBuckets = std::size_t{1} << kBucketBits;
    static std::uint32_t bucket(const char* p)
    {
        std::uint32_t w = 0;
        std::memcpy(&w, p, 4);
        return (w * 2654435761u) >> (32 - kBucketBits);
    }

    bool m_fold = true;
    std::vector<const Glob*> m_others; ///< owned by the item's matchers
    std::vector<std::string> m_short;
    std::vector<std::string> m_needles; ///< grouped by bucket
    std::vector<std::uint32_t> m_bucketStart;
    std::array<std::uint64_t, kBuckets / 64> m_bits{};
};

} // namespace sigma::engine
