#!/usr/bin/env python3
"""Writes the other renderings of mixed.xml used by tst_eventreaders (run from this folder):

- mixed.evtx_dump.jsonl  JSON Lines in the shape of the Rust evtx_dump tool ("#attributes", "#text",
                         typed numbers, null for empty elements, microsecond times)
- mixed.xmltodict.json   a JSON array in xmltodict's shape ("@Name", "#text")
- mixed.python-evtx.xml  python-evtx's quirks: XML 1.1 header, "YYYY-MM-DD HH:MM:SS.ffffff" times,
                         Qualifiers="" and empty Correlation attributes, character references
- mixed.concat.xml       concatenated <Event> elements without namespace or root element
All of them must normalise to exactly the fields of mixed.xml.
"""
import json
import re
import xml.etree.ElementTree as ET

NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"


def local(tag):
    return tag.split("}", 1)[-1]


def typed(text):
    if text is not None and re.fullmatch(r"0|[1-9][0-9]{0,15}", text):
        return int(text)
    return text


def micro(t):
    m = re.fullmatch(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.(\d+))?Z", t)
    frac = (m.group(3) or "").ljust(6, "0")[:6]
    return m.group(1), m.group(2), frac


def element_evtx_dump(el):
    attrs = dict(el.attrib)
    if local(el.tag) == "TimeCreated":
        d, t, f = micro(attrs["SystemTime"])
        attrs["SystemTime"] = f"{d}T{t}.{f}Z"
    text = el.text if (el.text and el.text.strip()) or len(el) == 0 else None
    if attrs and text:
        return {"#attributes": attrs, "#text": typed(text)}
    if attrs:
        return {"#attributes": attrs}
    return typed(text) if text else None


def userdata_dump(el):
    out = {}
    for child in el:
        if len(child):
            val = userdata_dump(child)
        else:
            val = typed(child.text or "")
        if child.attrib:
            val = {"#attributes": dict(child.attrib), **(val if isinstance(val, dict) else {"#text": val})}
        out[local(child.tag)] = val
    return out


def evtx_dump(ev):
    root = {"#attributes": {"xmlns": NS.strip("{}")}}
    for section in ev:
        name = local(section.tag)
        if name == "System":
            root["System"] = {local(c.tag): element_evtx_dump(c) for c in section}
        elif name == "EventData":
            data = {}
            unnamed = []
            for d in section:
                if "Name" in d.attrib:
                    data[d.attrib["Name"]] = typed(d.text) if d.text else None
                else:
                    unnamed.append(d.text or "")
            if unnamed:
                data["Data"] = {"#text": unnamed}
            root["EventData"] = data
        elif name == "UserData":
            root["UserData"] = userdata_dump(section)
        else:
            root[name] = {local(c.tag): c.text for c in section}
    return {"Event": root}


def xmltodict(ev):
    root = {}
    for section in ev:
        name = local(section.tag)
        if name == "System":
            sys = {}
            for c in section:
                v = {"@" + k: val for k, val in c.attrib.items()}
                if c.text:
                    v["#text"] = c.text
                sys[local(c.tag)] = v if c.attrib else c.text
            root["System"] = sys
        elif name == "EventData":
            root["EventData"] = {"Data": [({"@Name": d.attrib["Name"], "#text": d.text} if "Name" in d.attrib
                                           else d.text) for d in section]}
        elif name == "UserData":
            root["UserData"] = userdata_dump(section)
    return {"Event": root}


def python_evtx(ev):
    def esc(s):
        s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in s)

    def render(el, ns=False):
        tag = local(el.tag)
        attrs = dict(el.attrib)
        if tag == "TimeCreated":
            d, t, f = micro(attrs["SystemTime"])
            attrs["SystemTime"] = f"{d} {t}.{f}"
        if tag == "EventID" and "Qualifiers" not in attrs:
            attrs["Qualifiers"] = ""
        if tag == "Correlation":
            attrs.setdefault("ActivityID", "")
            attrs.setdefault("RelatedActivityID", "")
        a = "".join(f' {k}="{esc(v)}"' for k, v in attrs.items())
        if ns:
            a = f' xmlns="{NS.strip("{}")}"' + a
        inner = esc(el.text or "") if len(el) == 0 else "\n" + "".join(render(c) for c in el)
        return f"<{tag}{a}>{inner}</{tag}>\n"

    return render(ev, ns=True)


def concat(ev):
    def render(el):
        tag = local(el.tag)
        a = "".join(f' {k}="{v}"' for k, v in el.attrib.items() if k != "xmlns")
        text = (el.text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if len(el) == 0:
            return f"<{tag}{a}>{text}</{tag}>"
        return f"<{tag}{a}>" + "".join(render(c) for c in el) + f"</{tag}>"

    return render(ev) + "\n"


def main():
    events = ET.parse("mixed.xml").getroot().findall(NS + "Event")
    with open("mixed.evtx_dump.jsonl", "w", encoding="utf-8") as f:
        for ev in events:
            f.write(json.dumps(evtx_dump(ev), ensure_ascii=False) + "\n")
    with open("mixed.xmltodict.json", "w", encoding="utf-8") as f:
        json.dump([xmltodict(ev) for ev in events], f, ensure_ascii=False, indent=1)
    with open("mixed.python-evtx.xml", "w", encoding="utf-8") as f:
        f.write('<?xml version="1.1" encoding="utf-8" standalone="yes" ?>\n\n<Events>\n')
        for ev in events:
            f.write(python_evtx(ev) + "\n")
        f.write("</Events>\n")
    with open("mixed.concat.xml", "w", encoding="utf-8") as f:
        for ev in events:
            f.write(concat(ev))


if __name__ == "__main__":
    main()
