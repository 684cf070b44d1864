#pragma once

// Marking events from the workbench's Test pane: "must match", "must not match" or "baseline".
// The rule's manifest is kept beside it (besideManifestPath) and the marked events are copied as
// Windows Event XML into markedEventsDir(rule) ("dir/tests/<rule name>/"):
//  - a must-match / must-not-match event gets its own file, `match-<id>.xml` / `no_match-<id>.xml`
//    (<id> = EventRecordID, else a hash of the XML), listed as a short entry;
//  - baseline events are gathered in one file, `baseline.xml`, listed once with `max_hits`.
//
//   sigma::RuleTests group = sigma::openRuleTests("rules/x.yml");       // existing manifest or empty
//   sigma::markEvent(group, event.xml(), event.origin.recordId, sigma::ExpectationKind::NoMatch, error);
//   sigma::saveRuleTests(group, error);

#include "validation/manifest.h"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace sigma {

/// The tests beside a rule: its manifest if there is one (diagnostics kept in the group), otherwise
/// an empty group whose manifest path is besideManifestPath(rule).
RuleTests openRuleTests(const std::string& rulePath);

/// Copies the event into markedEventsDir and adds the entry to `group` (replacing a mark of the same
/// event under another kind). Returns false with `error` set when the file cannot be written.
bool markEvent(RuleTests& group, const std::string& eventXml, std::optional<std::uint64_t> recordId,
               ExpectationKind kind, std::string& error);

/// Removes the mark of the event (any kind) and its copied file. True when a mark was removed.
bool unmarkEvent(RuleTests& group, const std::string& eventXml, std::optional<std::uint64_t> recordId);

/// The kind the event is marked with in `group`, if any. Reads the baseline file on each call:
/// to look up many events, build a TestMarks once.
std::optional<ExpectationKind> markOf(const RuleTests& group, const std::string& eventXml,
                                      std::optional<std::uint64_t> recordId);

/// The marks of a group read once (the baseline file included), for looking up many events.
/// An event with an EventRecordID is looked up without its XML.
class TestMarks {
public:
    TestMarks() = default;
    explicit TestMarks(const RuleTests& group);

    bool empty() const { return m_byKey.empty() && m_byFile.empty(); }
    std::size_t size() const { return m_byKey.size(); }
    /// The kind of an event known by its EventRecordID.
    std::optional<ExpectationKind> ofRecord(std::uint64_t recordId) const;
    /// The kind of an event without a record id, known by (a hash of) its XML.
    std::optional<ExpectationKind> ofXml(const std::string& eventXml) const;
    /// The kind an entry naming a whole event file gives one of its events (`fileKey` is
    /// fileKeyOf(the event's file)): `record_ids` listed must match and the file's other events
    /// must not; a no_match file's events must not match; a baseline file's are baseline. Entries
    /// written by hand in folder manifests look like this (resources/samples/samples.tests.yml).
    std::optional<ExpectationKind> ofFileEvent(const std::string& fileKey, std::optional<std::uint64_t> recordId) const;
    bool hasFileMarks() const { return !m_byFile.empty(); }
    /// The key of an event file for ofFileEvent (its normalised absolute path).
    static std::string fileKeyOf(const std::string& path);

private:
    void addFileMark(const Expectation& e);

    struct FileMarks {
        std::unordered_map<std::uint64_t, ExpectationKind> records; ///< record_ids of match entries
        std::optional<ExpectationKind> rest;                        ///< every other event of the file
    };
    std::unordered_map<std::string, ExpectationKind> m_byKey;
    std::unordered_map<std::string, FileMarks> m_byFile;
};

/// Saves the group as the beside manifest (group.manifest), atomically.
bool saveRuleTests(const RuleTests& group, std::string& error);

} // namespace sigma
