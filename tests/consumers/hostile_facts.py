#!/usr/bin/env python3
"""A fact snapshot whose names carry the payloads tests/untrusted.rs scans with (markup,
Markdown, terminal escapes, NUL), for running the consumer checkers on hostile input:

    hostile_facts.py examples/warm-standby/facts.json OUT.json

Names are replaced everywhere (keys too), so that they stay consistent across Regions; the
chosen names are in findings of the warm-standby example (EMAIL-001/002/003, EMAIL-013,
SMS-008), so the payloads reach every format."""

import json
import sys

HOSTILE = [
    ("holiday-gift-guide-2026", "shipped<script>alert(1)</script>"),
    ("example-retail.co.uk", "reset\"><img src=x onerror=alert(2)>|pipe|`tick`|[link](javascript:alert(3))@here"),
    ("retail-optouts", "promo\u001b[2J\u001b]8;;http:x\u0007\u009b31m\u0000\r"),
]


def swap(s):
    for old, new in HOSTILE:
        s = s.replace(old, new)
    return s


def walk(v):
    if isinstance(v, str):
        return swap(v)
    if isinstance(v, list):
        return [walk(x) for x in v]
    if isinstance(v, dict):
        return {swap(k): walk(x) for k, x in v.items()}
    return v


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: hostile_facts.py FACTS.json OUT.json")
    with open(argv[1], encoding="utf-8") as f:
        doc = json.load(f)
    text = json.dumps(doc)
    missing = [old for old, _ in HOSTILE if old not in text]
    if missing:
        sys.exit(f"hostile_facts.py: {argv[1]} has none of {missing}; pick names it has")
    with open(argv[2], "w", encoding="utf-8") as f:
        json.dump(walk(doc), f, indent=1)


if __name__ == "__main__":
    main(sys.argv)
