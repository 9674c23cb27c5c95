#!/usr/bin/env python3
"""report.junit.xml as Jenkins and GitLab take it. Jenkins xUnit validates the file against its
junit-10.xsd (vendored beside this file) and skips a file that does not validate; GitLab shows
a failed or skipped case's element *content* (not its message attribute), so a case whose
<failure>/<skipped>/<error> is empty shows nothing. junitparser (what many CI tools and
scripts read JUnit with) must parse it, and the counts on the suites must match the cases."""

import os
import sys

from common import run, HERE, Problems, missing_tool, report_file

NAME = "junit"
XSD = os.path.join(HERE, "junit-10.xsd")


def main(argv):
    path = report_file(NAME, argv, "report.junit.xml")
    try:
        import xmlschema
    except ImportError:
        missing_tool(NAME, "Python xmlschema (in the venv)")
    try:
        import junitparser
    except ImportError:
        missing_tool(NAME, "Python junitparser (in the venv)")
    p = Problems(NAME)

    schema = xmlschema.XMLSchema10(XSD)
    for err in schema.iter_errors(path):
        where = err.path or "?"
        p.add(f"junit-10.xsd (Jenkins xUnit skips the file): {where}: {err.reason}")

    try:
        xml = junitparser.JUnitXml.fromfile(path)
    except Exception as e:  # a parse failure is the finding, whatever its type
        p.add(f"junitparser cannot read it: {e}")
        p.finish(path)
    suites = [xml] if isinstance(xml, junitparser.TestSuite) else list(xml)
    cases = 0
    empty = []
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in suites:
        counted = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for case in suite:
            cases += 1
            counted["tests"] += 1
            for res in case.result:
                kind = {
                    junitparser.Failure: "failures",
                    junitparser.Error: "errors",
                    junitparser.Skipped: "skipped",
                }.get(type(res))
                if kind is None:
                    continue
                counted[kind] += 1
                if not (res.text or "").strip():
                    empty.append(f"{suite.name} / {case.name} <{res._elem.tag}>")
        for key, n in counted.items():
            declared = suite._elem.get(key)
            if declared is not None and declared != str(n):
                p.add(f"testsuite {suite.name}: {key}=\"{declared}\" but it holds {n}")
            totals[key] += n
    if isinstance(xml, junitparser.JUnitXml):
        for key, n in totals.items():
            declared = xml._elem.get(key)
            if declared is not None and declared != str(n):
                p.add(f"testsuites: {key}=\"{declared}\" but its suites hold {n}")
    if empty:
        p.add(
            f"{len(empty)} failed/skipped/errored case(s) have no element content, so GitLab "
            f"shows no reason for them (the text is only in the message attribute), e.g. "
            + "; ".join(empty[:3])
        )
    if cases == 0:
        p.add("no test case at all")
    p.finish(path)


if __name__ == "__main__":
    run(NAME, main)
