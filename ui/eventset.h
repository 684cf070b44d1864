#pragma once

#include "events/event.h"

#include <memory>
#include <vector>

namespace sigmaui {

/// The loaded events, shared read-only between the GUI and background jobs.
using EventList = std::vector<sigma::Event>;
using EventListPtr = std::shared_ptr<const EventList>;

/// The verdict of the rule for one event.
enum class Verdict : unsigned char {
    Unknown,    ///< not evaluated yet
    Match,      ///< in scope and the condition holds
    NoMatch,    ///< in scope, the condition does not hold
    OutOfScope, ///< the event is not of the rule's log source
};

} // namespace sigmaui
