#!/usr/bin/env python3
"""report.md as GitHub renders it (a job summary, a PR comment): Debian's cmark-gfm, GitHub's
own renderer, with GitHub's extensions. Checks on its syntax tree, so that what a name from AWS
carries cannot change the page:

- every table row has as many cells in the source as its header (a `|` or a line break in a
  name splits or shifts cells; cmark-gfm silently pads or drops them, so the count is taken
  from the source line, split as GFM splits it, at unescaped pipes), and each known table has
  its expected columns; "Top findings (K of N)" has K rows;
- no raw HTML reaches the output but the footer's own <sub>…</sub>;
- no link or image from Markdown syntax in the data (GitHub's own links of bare URLs and
  e-mail addresses aside), no control character."""

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

from common import run, Problems, missing_tool, report_file

NAME = "markdown"
NS = {"c": "http://commonmark.org/xml/1.0"}
EXTENSIONS = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]
# Heading prefix -> the columns msgready writes under it.
TABLES = {
    "By area": 7,
    "By account": 7,
    "Top findings": 4,
    "Waived": 8,
}
ALLOWED_HTML = {"<sub>", "</sub>"}
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def cells_in_source(line):
    """GFM splits a row at pipes not escaped by a backslash, after trimming its outer pipes."""
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    n, i, escaped = 1, 0, False
    while i < len(s):
        ch = s[i]
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "|":
            n += 1
        i += 1
    return n


def line_of(node):
    return int(node.get("sourcepos").split(":")[0])


def text_of(node):
    """The text a heading shows: its text and code nodes, not the XML's indentation."""
    return "".join(
        n.text or "" for n in node.iter() if n.tag.split("}")[1] in ("text", "code")
    ).strip()


def main(argv):
    path = report_file(NAME, argv, "report.md")
    cmark = shutil.which("cmark-gfm")
    if not cmark:
        missing_tool(NAME, "cmark-gfm (Debian package cmark-gfm)")
    p = Problems(NAME)
    with open(path, encoding="utf-8") as f:
        source = f.read().split("\n")
    args = [cmark, "--sourcepos", "-t", "xml"]
    for e in EXTENSIONS:
        args += ["-e", e]
    for ln, line in enumerate(source, 1):
        bad = CONTROL.findall(line)
        if bad:
            p.add(f"control character(s) {sorted(set(bad))!r} in line {ln}: terminals and "
                  f"renderers act on them")
    xml = subprocess.run(args + [path], capture_output=True, check=True).stdout.decode("utf-8")
    # cmark-gfm copies control characters into its XML, which no XML parser then reads; they
    # are reported above.
    doc = ET.fromstring(CONTROL.sub("\ufffd", xml))

    heading = None
    tables = 0
    for node in doc:
        tag = node.tag.split("}")[1]
        if tag == "heading":
            heading = text_of(node)
            continue
        if tag != "table":
            continue
        tables += 1
        name = heading or "(no heading)"
        header = node.find("c:table_header", NS)
        cols = len(header.findall("c:table_cell", NS))
        expected = next((n for prefix, n in TABLES.items() if name.startswith(prefix)), None)
        if expected is None:
            p.add(f"table under {name!r}: not a table msgready writes (a heading was split?)")
        elif cols != expected:
            p.add(f"table {name!r}: {cols} columns, expected {expected}")
        rows = node.findall("c:table_row", NS)
        for row in [header] + rows:
            ln = line_of(row)
            got = cells_in_source(source[ln - 1])
            if got != cols:
                p.add(
                    f"table {name!r}, line {ln}: {got} cells in the source, the header has "
                    f"{cols} (GitHub shifts or drops cells): {source[ln - 1][:120]!r}"
                )
        # A table ends at the first line that is no row: a line break inside a cell ends it early
        # and leaves the rest of the table as text.
        end = int(node.get("sourcepos").split("-")[1].split(":")[0])
        after = source[end] if end < len(source) else ""
        if after.strip():
            p.add(f"table {name!r} ends at line {end} but line {end + 1} is not blank: {after[:120]!r}")
        m = re.match(r"Top findings \((\d+) of (\d+)\)", name)
        if m and int(m[1]) != len(rows):
            p.add(f"table {name!r} has {len(rows)} rows, its heading says {m[1]}")

    parent = {child: node for node in doc.iter() for child in node}

    def line(node):
        while node is not None and node.get("sourcepos") is None:
            node = parent.get(node)
        return line_of(node) if node is not None else "?"

    for node in doc.iter():
        tag = node.tag.split("}")[1]
        if tag in ("html_inline", "html_block"):
            raw = (node.text or "").strip()
            if raw not in ALLOWED_HTML:
                p.add(f"raw HTML passes through, line {line(node)}: {raw[:120]!r}")
        elif tag == "image":
            p.add(f"an image {node.get('destination')!r} at line {line(node)} (msgready writes none)")
        elif tag == "link":
            dest = node.get("destination") or ""
            shown = text_of(node)
            # GitHub links bare URLs and e-mail addresses in text by itself (the autolink
            # extension); any other link came from Markdown syntax in the data.
            autolink = dest in (shown, "mailto:" + shown, "http://" + shown, "https://" + shown)
            if not autolink or not re.match(r"(https?|mailto):", dest):
                p.add(f"a link to {dest!r} at line {line(node)}: Markdown link syntax from the data")

    if tables == 0:
        p.add("no table at all (the score table is always written)")
    p.finish(f"{path} ({tables} tables)")


if __name__ == "__main__":
    run(NAME, main)
