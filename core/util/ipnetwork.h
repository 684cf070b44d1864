#pragma once

// IPv4 and IPv6 networks for the `cidr` modifier. parseIpNetwork() alone decides which networks
// a rule may write: the parser's check and the engine's matcher both call it, so a network is
// never accepted by one and refused by the other. Addresses in events are read more leniently.

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace sigma {

struct IpAddress {
    bool v6 = false;
    std::array<unsigned char, 16> bytes{}; ///< network byte order; IPv4 uses the first four
};

struct IpNetwork {
    IpAddress address; ///< the network address (no host bits set)
    int prefix = 0;    ///< 0..32 (IPv4) or 0..128 (IPv6)

    /// True when `a` lies in the network. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) counts as
    /// its IPv4 address for an IPv4 network (Windows writes both forms).
    bool contains(const IpAddress& a) const;
    /// The network in canonical form ("10.0.0.0/8", "2001:db8::/32").
    std::string text() const;
};

/// A network as written after `|cidr`, accepting exactly what pySigma accepts: its
/// SigmaCIDRExpression is Python's ipaddress.ip_network(text) with strict=True, so
/// - an IPv4 address in dotted-quad form (no leading zeros) or any IPv6 form inet_pton reads,
///   an IPv6 zone (`fe80::%eth0/64`, ignored for matching);
/// - optionally `/` and a prefix length in ASCII digits (leading zeros allowed), or for IPv4 a
///   netmask (`/255.0.0.0`) or hostmask (`/0.255.255.255`); no prefix means one host;
/// - no host bits set (`10.0.0.1/8` is refused and the message names `10.0.0.0/8`);
/// - no blanks, no brackets (`[::1]` is a URL form, not a network).
/// Returns nullopt with the reason in `why` (if given) when the text is not a network.
std::optional<IpNetwork> parseIpNetwork(std::string_view text, std::string* why = nullptr);

/// An address as events carry it: surrounding blanks, brackets (`[::1]`) and an IPv6 zone
/// (`fe80::1%12`) are tolerated, since Windows and other loggers write them.
std::optional<IpAddress> parseEventIpAddress(std::string_view text);

} // namespace sigma
