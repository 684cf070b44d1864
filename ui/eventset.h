#pragma once

#include "events/event.h"
#include "live/evaluator.h"

#include <memory>
#include <vector>

namespace sigmaui {

/// The loaded events, shared read-only between the GUI and background jobs.
using EventList = sigma::EventList;
using EventListPtr = sigma::EventListPtr;

/// The verdict of the rule for one event (Unknown, Match, NoMatch, OutOfScope).
using Verdict = sigma::Verdict;

} // namespace sigmaui
