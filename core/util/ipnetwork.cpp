#include "util/ipnetwork.h"

#include <arpa/inet.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace sigma {
namespace {

bool isAsciiDigits(std::string_view s)
{
    if (s.empty())
        return false;
    for (char c : s)
        if (c < '0' || c > '9')
            return false;
    return true;
}

/// inet_pton on a string_view (which is not NUL-terminated); refuses what cannot be an address.
bool readAddress(int family, std::string_view text, IpAddress& out)
{
    if (text.empty() || text.size() > 45) // INET6_ADDRSTRLEN - 1
        return false;
    char buf[64];
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    out = IpAddress{};
    out.v6 = family == AF_INET6;
    return inet_pton(family, buf, out.bytes.data()) == 1;
}

/// Python's ipaddress: an IPv4 netmask (leading ones) or hostmask (leading zeros) as a prefix.
std::optional<int> prefixOfMask(const IpAddress& mask)
{
    const std::uint32_t m = (std::uint32_t(mask.bytes[0]) << 24) | (std::uint32_t(mask.bytes[1]) << 16) |
                            (std::uint32_t(mask.bytes[2]) << 8) | std::uint32_t(mask.bytes[3]);
    for (std::uint32_t candidate : {m, ~m}) {
        int ones = 0;
        while (ones < 32 && (candidate & (0x80000000u >> ones)))
            ++ones;
        const std::uint32_t expected = ones == 0 ? 0 : 0xFFFFFFFFu << (32 - ones);
        if (candidate == expected)
            return ones;
    }
    return std::nullopt;
}

bool fail(std::string* why, std::string message)
{
    if (why)
        *why = std::move(message);
    return false;
}

IpAddress unmapped(const IpAddress& a)
{
    static const unsigned char mappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (!a.v6 || std::memcmp(a.bytes.data(), mappedPrefix, sizeof mappedPrefix) != 0)
        return a;
    IpAddress v4;
    std::memcpy(v4.bytes.data(), a.bytes.data() + 12, 4);
    return v4;
}

} // namespace

bool IpNetwork::contains(const IpAddress& candidate) const
{
    const IpAddress a = address.v6 ? candidate : unmapped(candidate);
    if (a.v6 != address.v6)
        return false;
    int bits = prefix;
    for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
        const unsigned char mask = bits >= 8 ? 0xFF : static_cast<unsigned char>(0xFF << (8 - bits));
        if ((a.bytes[i] & mask) != (address.bytes[i] & mask))
            return false;
    }
    return true;
}

std::string IpNetwork::text() const
{
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(address.v6 ? AF_INET6 : AF_INET, address.bytes.data(), buf, sizeof buf);
    return std::string(buf) + '/' + std::to_string(prefix);
}

std::optional<IpNetwork> parseIpNetwork(std::string_view text, std::string* why)
{
    auto refuse = [&](std::string message) -> std::optional<IpNetwork> {
        fail(why, std::move(message));
        return std::nullopt;
    };
    const auto slash = text.find('/');
    std::string_view addressText = text.substr(0, slash);
    const std::string_view prefixText = slash == std::string_view::npos ? std::string_view{} : text.substr(slash + 1);
    if (prefixText.find('/') != std::string_view::npos)
        return refuse("more than one '/'");

    IpNetwork n;
    if (readAddress(AF_INET, addressText, n.address)) {
        n.prefix = 32;
    } else {
        // An IPv6 zone (`%eth0`) is allowed, as Python 3.9+ allows it; it does not take part in matching.
        if (const auto pct = addressText.find('%'); pct != std::string_view::npos) {
            const std::string_view zone = addressText.substr(pct + 1);
            if (zone.empty() || zone.find('%') != std::string_view::npos)
                return refuse("an IPv6 zone after '%' must be one non-empty name");
            addressText = addressText.substr(0, pct);
            if (addressText.find(':') == std::string_view::npos)
                return refuse("only IPv6 addresses take a zone ('%...')");
        }
        if (!readAddress(AF_INET6, addressText, n.address))
            return refuse("not an IPv4 address (four decimal numbers 0-255, no leading zeros) or IPv6 address");
        n.prefix = 128;
    }

    if (slash != std::string_view::npos) {
        const int maxPrefix = n.prefix;
        if (isAsciiDigits(prefixText)) {
            std::size_t i = 0;
            while (i + 1 < prefixText.size() && prefixText[i] == '0')
                ++i;
            const std::string_view digits = prefixText.substr(i);
            const int value = digits.size() > 3 ? 1000 : std::atoi(std::string(digits).c_str());
            if (value > maxPrefix)
                return refuse("the prefix length is at most " + std::to_string(maxPrefix));
            n.prefix = value;
        } else {
            IpAddress mask;
            const auto maskPrefix =
                !n.address.v6 && readAddress(AF_INET, prefixText, mask) ? prefixOfMask(mask) : std::nullopt;
            if (!maskPrefix)
                return refuse(n.address.v6 ? "the prefix length after '/' must be a number 0-128"
                                           : "after '/' comes a prefix length 0-32 or a netmask (255.0.0.0)");
            n.prefix = *maskPrefix;
        }
    }

    // strict=True in Python: the address must be the network's own address.
    IpNetwork canonical = n;
    for (int bit = n.prefix; bit < (n.address.v6 ? 128 : 32); ++bit)
        canonical.address.bytes[bit / 8] &= static_cast<unsigned char>(~(0x80u >> (bit % 8)));
    if (canonical.address.bytes != n.address.bytes)
        return refuse("host bits are set: the network is " + canonical.text());
    return n;
}

std::optional<IpAddress> parseEventIpAddress(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
        text = text.substr(1, text.size() - 2);
    if (const auto pct = text.find('%'); pct != std::string_view::npos)
        text = text.substr(0, pct);
    IpAddress a;
    if (text.find(':') != std::string_view::npos)
        return readAddress(AF_INET6, text, a) ? std::optional(a) : std::nullopt;
    return readAddress(AF_INET, text, a) ? std::optional(a) : std::nullopt;
}

} // namespace sigma
