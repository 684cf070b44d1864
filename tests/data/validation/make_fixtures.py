#!/usr/bin/env python3
"""Writes the event fixtures of tests/validation (run from this folder). The events are made up:
Sysmon process creation (EventID 1) and termination (EventID 5) records with just the fields the
fixture rules look at. Rules and manifests are written by hand beside them."""
import json
import os

NS = "http://schemas.microsoft.com/win/2004/08/events/event"


def sysmon(record, image, parent, user="CORP\\jdoe", eid=1, cmd=None):
    return dict(record=record, image=image, parent=parent, user=user, eid=eid,
                cmd=cmd if cmd is not None else image.split("\\")[-1])


def xml_event(e, indent="  "):
    data = [("Image", e["image"]), ("CommandLine", e["cmd"]), ("User", e["user"])]
    if e["eid"] == 1:
        data.append(("ParentImage", e["parent"]))
    lines = [f'<Event xmlns="{NS}">',
             "  <System>",
             '    <Provider Name="Microsoft-Windows-Sysmon" Guid="{5770385f-c22a-43e0-bf4c-06f5698ffbd9}"/>',
             f"    <EventID>{e['eid']}</EventID>",
             '    <TimeCreated SystemTime="2026-11-28T01:00:00.0000000Z"/>',
             f"    <EventRecordID>{e['record']}</EventRecordID>",
             "    <Channel>Microsoft-Windows-Sysmon/Operational</Channel>",
             "    <Computer>ws01.example.test</Computer>",
             "  </System>",
             "  <EventData>"]
    for k, v in data:
        v = v.replace("&", "&amp;").replace("<", "&lt;")
        lines.append(f'    <Data Name="{k}">{v}</Data>')
    lines += ["  </EventData>", "</Event>"]
    return "\n".join(indent + l for l in lines)


def write_xml(path, events, comment):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n')
        f.write(f"<!-- {comment} (made-up events for the tests) -->\n<Events>\n")
        for e in events:
            f.write(xml_event(e) + "\n")
        f.write("</Events>\n")


def json_event(e):
    data = {"Image": e["image"], "CommandLine": e["cmd"], "User": e["user"]}
    if e["eid"] == 1:
        data["ParentImage"] = e["parent"]
    return {"Event": {"#attributes": {"xmlns": NS}, "System": {
        "Provider": {"#attributes": {"Name": "Microsoft-Windows-Sysmon"}}, "EventID": e["eid"],
        "TimeCreated": {"#attributes": {"SystemTime": "2026-11-28T01:00:00.000000Z"}},
        "EventRecordID": e["record"], "Channel": "Microsoft-Windows-Sysmon/Operational",
        "Computer": "ws01.example.test"}, "EventData": data}}


CMD = "C:\\Windows\\System32\\cmd.exe"
PS = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"
WHOAMI = "C:\\Windows\\System32\\whoami.exe"
EXPLORER = "C:\\Windows\\explorer.exe"
NOTEPAD = "C:\\Windows\\System32\\notepad.exe"
SVCHOST = "C:\\Windows\\System32\\svchost.exe"

positive = [sysmon(201, WHOAMI, CMD), sysmon(202, WHOAMI, PS, cmd="whoami.exe /all")]
benign = [sysmon(301, WHOAMI, EXPLORER),
          sysmon(302, WHOAMI, CMD, user="NT AUTHORITY\\SYSTEM"),
          sysmon(303, WHOAMI, CMD, eid=5)]
baseline = [sysmon(401, NOTEPAD, EXPLORER), sysmon(402, WHOAMI, CMD, user="CORP\\admin"),
            sysmon(403, CMD, EXPLORER), sysmon(404, WHOAMI, SVCHOST), sysmon(405, PS, EXPLORER)]
mixed = [sysmon(501, WHOAMI, CMD), sysmon(502, NOTEPAD, EXPLORER), sysmon(503, WHOAMI, PS)]

write_xml(os.path.join("events", "positive.xml"), positive, "whoami started by cmd and PowerShell")
write_xml(os.path.join("events", "benign.xml"), benign, "whoami by Explorer, by cmd as SYSTEM, and a process termination")
write_xml(os.path.join("events", "baseline.xml"), baseline, "a workstation baseline with one admin whoami")
write_xml(os.path.join("events", "mixed.xml"), mixed, "two whoami among other processes")

# SigmaHQ layout: the sample sits in regression_data/<same path as the rule>/<rule id>.json
rid = "7c1e5a52-1d0f-4b43-8d3e-2f1a9c6b5e71"
reg = os.path.join("sigmahq", "regression_data", "rules", "windows", "process_creation",
                   "proc_creation_win_whoami_test")
os.makedirs(reg, exist_ok=True)
with open(os.path.join(reg, rid + ".json"), "w", encoding="utf-8", newline="\n") as f:
    for e in [sysmon(601, WHOAMI, CMD), sysmon(602, WHOAMI, PS), sysmon(603, WHOAMI, CMD),
              sysmon(604, NOTEPAD, EXPLORER)]:
        f.write(json.dumps(json_event(e)) + "\n")
