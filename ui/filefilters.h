#pragma once

// Name filters of the file dialogs, built from core's list of event-file extensions
// (events/eventfiles.h) so that every dialog offers the files the loaders read.
#include <QString>

namespace sigmaui {

/// "Events (*.evtx *.xml *.json *.jsonl *.ndjson);;All files (*)", translated.
QString eventFileFilter();

/// Rules and events together, then rules, events and all files, translated.
QString ruleAndEventFileFilter();

} // namespace sigmaui
