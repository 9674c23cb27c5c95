#!/usr/bin/env python3
"""Writes the trimmed service model the emulator's rpc-v2-cbor bridge uses (shape types only).

    python tests/emulator/models/extract.py SITE-PACKAGES/botocore/data/cloudwatch/2010-08-01/service-2.json.gz \
        > tests/emulator/models/monitoring.json

Keeps, from botocore's service-2.json(.gz): metadata (targetPrefix, jsonVersion, protocols),
operation input/output shape names, and for every shape its type and the shape names of its
members / list member / map key and value. Documentation is dropped.
"""

import gzip
import json
import sys


def main(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        model = json.load(f)
    md = model["metadata"]
    out = {"metadata": {k: md[k] for k in ("apiVersion", "endpointPrefix", "targetPrefix", "jsonVersion",
                                           "protocols", "awsQueryCompatible") if k in md},
           "operations": {}, "shapes": {}}
    for name, op in sorted(model["operations"].items()):
        out["operations"][name] = {k: op[k]["shape"] for k in ("input", "output") if k in op}
    for name, shape in sorted(model["shapes"].items()):
        s = {"type": shape["type"]}
        if shape["type"] == "structure":
            s["members"] = {m: v["shape"] for m, v in shape.get("members", {}).items()}
        elif shape["type"] == "list":
            s["member"] = shape["member"]["shape"]
        elif shape["type"] == "map":
            s["key"], s["value"] = shape["key"]["shape"], shape["value"]["shape"]
        if shape.get("timestampFormat"):
            s["timestampFormat"] = shape["timestampFormat"]
        out["shapes"][name] = s
    json.dump(out, sys.stdout, separators=(",", ":"), sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
