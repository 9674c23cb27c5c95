#!/usr/bin/env python3
"""report.sarif as GitHub code scanning takes it: the SARIF Multitool's validator with GitHub's
ingestion rules (`--rule-kind "Sarif;Gh"`), then what that validator cannot know: a result
must point at a file of the user's repository (msgready's own rules/<area>/<ID>.toml is not in
it, so GitHub cannot place the alert), and rules and tool need the links GitHub shows."""

import json
import os
import re
import subprocess
import sys
import tempfile

from common import run, NODE_PREFIX, Problems, missing_tool, report_file

NAME = "sarif"
# The native binary, not the npm bin.js wrapper: that one runs it through a shell, which
# splits "Sarif;Gh" at the semicolon.
MULTITOOL = os.path.join(
    NODE_PREFIX, "node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
)
RULE_FILE = re.compile(r"(^|/)rules/[a-z]+/[A-Z]+-\d+\.toml$")


def absolute_http(uri):
    return isinstance(uri, str) and re.match(r"https?://[^/\s]+", uri) is not None


def message_text(message, strings):
    """A result message, from its text or from its rule's message string and arguments."""
    if "text" in message:
        return message["text"]
    template = strings.get(message.get("id"), {}).get("text", message.get("id", ""))
    args = message.get("arguments", [])
    return re.sub(r"\{(\d+)\}", lambda m: args[int(m[1])] if int(m[1]) < len(args) else m[0], template)


def main(argv):
    path = report_file(NAME, argv, "report.sarif")
    if not os.access(MULTITOOL, os.X_OK):
        missing_tool(NAME, f"the SARIF Multitool ({MULTITOOL})")
    p = Problems(NAME)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "validation.sarif")
        run = subprocess.run(
            [MULTITOOL, "validate", "--rule-kind", "Sarif;Gh", "-o", out, path],
            capture_output=True,
            text=True,
        )
        # The Multitool exits 0 whatever it finds; its findings are in its own SARIF log.
        if not os.path.isfile(out):
            p.add(f"the Multitool wrote no log (exit {run.returncode}): {run.stdout[-2000:]}")
            p.finish(path)
        with open(out, encoding="utf-8-sig") as f:
            log = json.load(f)
    for vrun in log.get("runs", []):
        strings = {
            rule.get("id"): rule.get("messageStrings", {})
            for rule in vrun.get("tool", {}).get("driver", {}).get("rules", [])
        }
        for r in vrun.get("results", []):
            level = r.get("level", "warning")
            text = message_text(r.get("message", {}), strings.get(r.get("ruleId"), {}))
            where = ""
            for loc in r.get("locations", [])[:1]:
                reg = loc.get("physicalLocation", {}).get("region", {})
                if reg:
                    where = f" (at {reg.get('startLine')}:{reg.get('startColumn')})"
            line = f"{r.get('ruleId')}: {text}{where}"
            if level == "error":
                p.add(f"Multitool error {line}")
            elif level == "warning":
                p.note(f"Multitool warning {line}")

    with open(path, encoding="utf-8") as f:
        sarif = json.load(f)
    for ri, run in enumerate(sarif.get("runs", [])):
        driver = run.get("tool", {}).get("driver", {})
        if not absolute_http(driver.get("informationUri")):
            p.add(f"runs[{ri}].tool.driver has no informationUri (an absolute http(s) URI)")
        no_help = [r.get("id") for r in driver.get("rules", []) if not absolute_http(r.get("helpUri"))]
        if no_help:
            p.add(
                f"runs[{ri}]: {len(no_help)} of {len(driver.get('rules', []))} rules have no helpUri "
                f"(GitHub links the alert to it), e.g. {', '.join(map(str, no_help[:5]))}"
            )
        own = {}
        for res in run.get("results", []):
            for loc in res.get("locations", []) + res.get("relatedLocations", []):
                uri = loc.get("physicalLocation", {}).get("artifactLocation", {}).get("uri")
                if isinstance(uri, str) and RULE_FILE.search(uri.split("?")[0]):
                    own.setdefault(uri, 0)
                    own[uri] += 1
        if own:
            total = sum(own.values())
            examples = ", ".join(sorted(own)[:3])
            p.add(
                f"runs[{ri}]: {total} result location(s) point at msgready's own rule files, "
                f"which are not in the scanned repository, so GitHub cannot show where the "
                f"alert is (e.g. {examples})"
            )
    p.finish(path)


if __name__ == "__main__":
    run(NAME, main)
