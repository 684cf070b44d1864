// The cidr family: an address of the event in a network of the rule (util/ipnetwork.h).
#include "engine/valuematchers.h"

namespace sigma::engine {
namespace {

class CidrMatcher : public ValueMatcher {
public:
    CidrMatcher(IpNetwork network, std::string text)
        : m_network(network)
        , m_text(std::move(text))
    {}
    Outcome test(EvalContext& ctx, std::size_t index, std::string*) const override
    {
        const auto ip = parseEventIpAddress(ctx.raw(index));
        return ip && m_network.contains(*ip) ? Outcome::Matched : Outcome::NotMatched;
    }
    std::string describe() const override { return "in network " + m_text; }

private:
    IpNetwork m_network;
    std::string m_text;
};

} // namespace

std::unique_ptr<ValueMatcher> makeCidrMatcher(const IpNetwork& network, std::string text)
{
    return std::make_unique<CidrMatcher>(network, std::move(text));
}

} // namespace sigma::engine
