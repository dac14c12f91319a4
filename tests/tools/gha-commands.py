#!/usr/bin/env python3
"""Read GitHub Actions workflow commands the way the runner does.

  gha-commands.py decode < LOG       one JSON object per workflow command in
                                     LOG: {"command", "properties": [[key,
                                     value], ...], "message"}, values decoded
  gha-commands.py roundtrip LIB      encode nasty texts with LIB's (ci/lib.sh)
                                     ci_command and check each one gives one
                                     command that decodes back to the text

The runner reads its output line by line (CR, LF and CRLF all end a line),
takes a line that starts with "::" as a command up to the next "::", splits
the properties on "," and each one on its first "=", and decodes: in the
message %0D %0A %25, in a property also %3A %2C (in that order, %25 last).
"""
import json
import re
import subprocess
import sys


def unescape_data(s):
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(s):
    for enc, dec in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        s = s.replace(enc, dec)
    return s


def decode_line(line):
    """the command of one output line, or None when it holds none"""
    line = line.strip()
    if not line.startswith("::"):
        return None
    end = line.find("::", 2)
    if end < 0:
        return None
    info, message = line[2:end], line[end + 2:]
    command, _, props = info.partition(" ")
    properties = []
    for prop in props.split(","):
        if prop:
            key, _, value = prop.partition("=")
            properties.append([key, unescape_property(value)])
    return {"command": command, "properties": properties, "message": unescape_data(message)}


def decode(data):
    text = data.decode("utf-8", "surrogateescape")
    return [c for c in (decode_line(l) for l in re.split("\r\n|\r|\n", text)) if c]


NASTY = [
    b"", b"plain", b"a,line=7", b"b::error::x", b"c\n::error file=evil::x", b"d\r::warning::y",
    b"e\r\nf", b"%", b"%0A", b"%250A", b"%%0D%2C%3A", b"100%", b"g:h,title=t", b"::", b":",
    b",", b"x\n", b"\n\n", b"tail%", b"\xff\xfe bytes", b"caf\xc3\xa9", b"tab\there", b"=",
    b"key=value=more", b" ::lead",
]


def roundtrip(lib):
    bad = 0
    for text in NASTY:
        script = '. "$0"; GITHUB_ACTIONS=true; ci_command error "$1" file "$1" title "$1x"'
        out = subprocess.run(["sh", "-c", script, lib, text], stdout=subprocess.PIPE, check=True).stdout
        want = text.decode("utf-8", "surrogateescape")
        cmds = decode(out)
        ok = (out.endswith(b"\n") and out.count(b"\n") == 1 and b"\r" not in out and len(cmds) == 1
              and cmds[0]["command"] == "error" and cmds[0]["message"] == want)
        if ok and text:
            ok = cmds[0]["properties"] == [["file", want], ["title", want + "x"]]
        elif ok:
            ok = cmds[0]["properties"] == [["title", "x"]]
        if not ok:
            bad += 1
            print("not round-tripped: %r -> %r" % (text, out))
    return bad


def main():
    if sys.argv[1:2] == ["decode"]:
        for c in decode(sys.stdin.buffer.read()):
            print(json.dumps(c))
        return 0
    if sys.argv[1:2] == ["roundtrip"] and len(sys.argv) == 3:
        return 1 if roundtrip(sys.argv[2]) else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
