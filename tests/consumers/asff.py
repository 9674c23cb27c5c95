#!/usr/bin/env python3
"""report.asff.json as AWS Security Hub's BatchImportFindings takes it, offline: botocore's own
parameter validation of {"Findings": [...]} against the securityhub service model, in the
batches of at most 100 findings the API accepts; then what the model cannot say:

- One call goes to one Regional endpoint, with one account's credentials. A finding's
  ProductArn must name that Region, and with the default product ARN
  (product/<account>/default) its AwsAccountId must be the calling account. So every finding
  of one file must share one ProductArn, or part of the file is refused.
- A finding at most 240 KB; Ids unique (a second finding with the same Id overwrites the
  first in the same batch).
- A failure that is fixed must be sent again as resolved (Compliance PASSED or RecordState
  ARCHIVED), else it stays ACTIVE in Security Hub: every result that passes in report.json
  (same directory) must have a finding that says so. With --previous DIR, also every ACTIVE
  FAILED finding of that earlier report must be sent again.

Usage: asff.py REPORT_DIR [--previous EARLIER_REPORT_DIR]"""

import json
import os
import re
import sys

from common import run, Problems, cannot_run, missing_tool, report_file

NAME = "asff"
BATCH = 100
MAX_FINDING_BYTES = 240 * 1024
PRODUCT_ARN = re.compile(r"^arn:(aws[a-z-]*):securityhub:([a-z0-9-]+):(\d{12}):product/([^/]+)/(.+)$")


def load_findings(p, path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if isinstance(doc, dict) and isinstance(doc.get("Findings"), list):
        return doc["Findings"]
    if isinstance(doc, list):
        p.note("the file is a bare array; BatchImportFindings takes {\"Findings\": [...]}")
        return doc
    p.add('the file is neither {"Findings": [...]} nor an array of findings')
    return []


def key(f):
    """(rule, account, Region, resource) of a finding, from msgready's ProductFields."""
    pf = f.get("ProductFields", {})
    res = (f.get("Resources") or [{}])[0]
    return (pf.get("msgready/RuleId"), f.get("AwsAccountId"), res.get("Region"), pf.get("msgready/Resource"))


def resolved(f):
    return (f.get("Compliance") or {}).get("Status") == "PASSED" or f.get("RecordState") == "ARCHIVED"


def bad_enums(value, shape, where):
    if shape.type_name == "structure" and isinstance(value, dict):
        for k, v in value.items():
            if k in shape.members:
                yield from bad_enums(v, shape.members[k], f"{where}.{k}")
    elif shape.type_name == "list" and isinstance(value, list):
        for i, v in enumerate(value):
            yield from bad_enums(v, shape.member, f"{where}[{i}]")
    elif shape.type_name == "map" and isinstance(value, dict):
        for k, v in value.items():
            yield from bad_enums(v, shape.value, f"{where}.{k}")
    elif shape.type_name == "string" and getattr(shape, "enum", None) and isinstance(value, str):
        if value not in shape.enum:
            yield where, value, shape.enum


def main(argv):
    args = list(argv)
    previous = None
    if "--previous" in args:
        i = args.index("--previous")
        if i + 1 >= len(args):
            cannot_run(NAME, "--previous needs a directory")
        previous = args[i + 1]
        del args[i : i + 2]
    path = report_file(NAME, args, "report.asff.json")
    try:
        import botocore.session
        from botocore.validate import validate_parameters
    except ImportError:
        missing_tool(NAME, "Python botocore (in the venv)")
    p = Problems(NAME)
    findings = load_findings(p, path)
    shape = botocore.session.get_session().get_service_model("securityhub").operation_model(
        "BatchImportFindings"
    ).input_shape

    for start in range(0, len(findings), BATCH):
        batch = findings[start : start + BATCH]
        try:
            validate_parameters({"Findings": batch}, shape)
        except Exception as e:  # botocore's ParamValidationError lists every bad field
            report = str(e).replace(
                "Parameter validation failed:\n", ""
            ).splitlines()
            for line in report:
                # Findings[i] is the index within this batch; name the finding in the file.
                m = re.search(r"Findings\[(\d+)\]", line)
                where = f" (finding {start + int(m[1])} of the file)" if m and start else ""
                p.add(f"BatchImportFindings parameters: {line}{where}")

    # The service refuses a value outside an enum; botocore's client-side validation does not
    # check enums, so walk the model for them.
    for i, f in enumerate(findings):
        for where, value, allowed in bad_enums(f, shape.members["Findings"].member, f"Findings[{i}]"):
            p.add(f"BatchImportFindings parameters: {where} is {value!r}, not one of {sorted(allowed)}")

    arns = {}
    for i, f in enumerate(findings):
        arn = f.get("ProductArn")
        arns.setdefault(arn, []).append(i)
        m = PRODUCT_ARN.match(arn or "")
        if not m:
            p.add(f"finding {i}: ProductArn {arn!r} is not a Security Hub product ARN")
            continue
        _, _region, arn_account, owner, product = m.groups()
        if product == "default" and (arn_account != f.get("AwsAccountId") or owner != arn_account):
            p.add(
                f"finding {i}: default product ARN of account {arn_account} but AwsAccountId "
                f"{f.get('AwsAccountId')}: only the finding's own account may import it"
            )
        size = len(json.dumps(f, ensure_ascii=False).encode("utf-8"))
        if size > MAX_FINDING_BYTES:
            p.add(f"finding {i} ({f.get('Id')}) is {size} bytes; BatchImportFindings refuses over 240 KB")
    if len(arns) > 1:
        regions = {}
        for arn, idx in arns.items():
            m = PRODUCT_ARN.match(arn or "")
            regions.setdefault(m[2] if m else arn, 0)
            regions[m[2] if m else arn] += len(idx)
        summary = ", ".join(f"{n} in {r}" for r, n in sorted(regions.items()))
        p.add(
            f"{len(arns)} different ProductArns in one file ({summary}): a BatchImportFindings "
            f"call to one Region's endpoint refuses the findings whose ProductArn names another "
            f"Region or account"
        )

    ids = {}
    for f in findings:
        ids[f.get("Id")] = ids.get(f.get("Id"), 0) + 1
    dup = [i for i, n in ids.items() if n > 1]
    if dup:
        p.add(f"{len(dup)} Id(s) appear more than once, e.g. {dup[:3]}")

    sent = {}
    for f in findings:
        sent.setdefault(key(f), []).append(f)
    report_json = os.path.join(os.path.dirname(path), "report.json")
    if os.path.isfile(report_json):
        with open(report_json, encoding="utf-8") as fh:
            results = json.load(fh).get("results", [])
        passing = [r for r in results if r.get("status") == "pass"]
        unsent = [
            r for r in passing
            if not any(resolved(f) for f in sent.get((r["rule_id"], r.get("account_id"), r.get("region"), r.get("resource")), []))
        ]
        if unsent:
            r = unsent[0]
            p.add(
                f"{len(unsent)} of {len(passing)} passing results are not sent as resolved "
                f"(Compliance PASSED or RecordState ARCHIVED): a failure fixed since the last "
                f"import stays ACTIVE in Security Hub, e.g. {r['rule_id']} {r.get('region')} "
                f"{r.get('resource')}"
            )
    else:
        p.note(f"{report_json} is missing: fixed failures not checked")

    if previous:
        prev = load_findings(p, report_file(NAME, [argv[0], previous], "report.asff.json"))
        stale = [
            f for f in prev
            if (f.get("Compliance") or {}).get("Status") == "FAILED"
            and f.get("RecordState", "ACTIVE") == "ACTIVE"
            and not any(g.get("Id") == f.get("Id") for g in findings)
        ]
        if stale:
            p.add(
                f"{len(stale)} finding(s) FAILED in {previous} are not sent again (neither "
                f"still failing nor resolved): they stay ACTIVE in Security Hub, e.g. "
                f"{stale[0].get('Id')}"
            )
    p.finish(f"{path} ({len(findings)} findings)")


if __name__ == "__main__":
    run(NAME, main)
