#pragma once

// The rule and the generated events the live-job benchmarks share (bench_ui_latency,
// bench_live_jobs): a process_creation rule with three selections over Sysmon-like events, a fifth
// of them matching before the first edit.
#include "eventset.h"
#include "liveevaluator.h"

#include "events/event.h"

#include <memory>
#include <string>

namespace sigmabench {

inline const char* const LiveRule = R"(title: Encoded PowerShell From Office
id: 5b0f4e0a-7c1d-4c55-9a0e-3f6f2d9b8e11
status: test
logsource:
    category: process_creation
    product: windows
detection:
    selection_parent:
        ParentImage|endswith:
            - '\WINWORD.EXE'
            - '\EXCEL.EXE'
    selection_img:
        - Image|endswith: '\powershell.exe'
        - OriginalFileName: 'PowerShell.EXE'
    selection_cli:
        CommandLine|windash|contains:
            - ' -enc '
            - ' -encodedcommand '
    condition: selection_parent and selection_img and selection_cli
level: high
)";

inline sigmaui::EventListPtr makeLiveEvents(std::size_t count)
{
    const char* images[] = {"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                            "C:\\Windows\\System32\\cmd.exe", "C:\\Windows\\System32\\notepad.exe",
                            "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
                            "C:\\Windows\\System32\\svchost.exe"};
    const char* parents[] = {"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
                             "C:\\Windows\\explorer.exe", "C:\\Windows\\System32\\services.exe",
                             "C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE"};
    const char* commands[] = {"powershell.exe -NoProfile -enc SQBFAFgA",
                              "cmd.exe /c dir",
                              "notepad.exe C:\\x.txt",
                              "chrome.exe --type=renderer --field-trial-handle=1234",
                              "svchost.exe -k netsvcs -p",
                              "powershell.exe -File C:\\scripts\\inventory.ps1"};
    auto file = std::make_shared<const std::string>("generated.xml");
    std::vector<sigma::Event> events;
    events.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        sigma::Event e;
        e.add("Provider_Name", "Microsoft-Windows-Sysmon");
        e.add("EventID", (i % 10 == 9) ? "3" : "1");
        e.add("Channel", "Microsoft-Windows-Sysmon/Operational");
        e.add("Computer", "WS-" + std::to_string(i % 500) + ".corp.example");
        e.add("TimeCreated_SystemTime", "2026-11-20T09:" + std::to_string(10 + i % 50) + ":00.000Z");
        e.add("ProcessId", std::to_string(1000 + i % 60000));
        e.add("Image", images[(i * 7) % 5]);
        e.add("OriginalFileName", (i % 5 == 0) ? "PowerShell.EXE" : "other.exe");
        e.add("CommandLine", commands[(i * 3) % 6] + std::string(" #") + std::to_string(i));
        e.add("User", (i % 3) ? "CORP\\jdoe" : "CORP\\alice");
        e.add("ParentImage", parents[(i * 11) % 4]);
        e.origin.file = file;
        e.origin.index = i + 1;
        events.push_back(std::move(e));
    }
    return std::make_shared<sigmaui::EventList>(std::move(events));
}

/// Edit i of a live benchmark: the rule as given, or (even i) with one value changed (" -enc " to
/// " -e "), so that consecutive jobs differ in one search identifier.
inline sigmaui::EvaluationRequest liveEditRequest(int i, const QString& rule, const sigmaui::EventListPtr& events,
                                                  sigmaui::EvaluationPtr previous)
{
    sigmaui::EvaluationRequest request;
    request.generation = quint64(i + 1);
    request.text = (i % 2) ? rule : QString(rule).replace(QStringLiteral("' -enc '"), QStringLiteral("' -e '"));
    request.file = QStringLiteral("bench.yml");
    request.events = events;
    request.previous = std::move(previous);
    return request;
}

} // namespace sigmabench
