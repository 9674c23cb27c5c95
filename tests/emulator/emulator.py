#!/usr/bin/env python3
"""Loopback AWS wire-format emulator for msgready's tests (standard library only).

Answers SMS/voice v2, and the SES v2, Pinpoint and CloudWatch operations a scenario file lists,
in AWS's wire format; forwards every other request unchanged to an upstream (moto), except that
CloudWatch's Smithy RPC v2 CBOR is bridged to moto's awsJson 1.0 (CBOR codec in emu/cbor.py, typed
by the service model in models/). Adds latency, quotas, fault injection, a JSON-lines request log
and a stats endpoint. See README.md.
"""

# The code is the package emu/ next to this file: one module per AWS service in emu/services/
# (routes, keys, answers, error codes, quotas), shared machinery in emu/ (README.md, "Adding an
# operation or a service"). Tests run this file by path, so the package is found from here.

import argparse
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from emu import server  # noqa: E402
# The CBOR codec and the model, for selftest.py's codec checks (`import emulator as E`).
from emu.cbor import UNDEFINED, CborError, Float, Tag, Undefined, cbor_decode, cbor_encode  # noqa: E402,F401
from emu.model import Model  # noqa: E402,F401


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--upstream")
    ap.add_argument("--latency-ms", type=float, default=0.0)
    ap.add_argument("--enforce-quotas", action="store_true")
    ap.add_argument("--faults", default="")
    ap.add_argument("--log")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--default-region", default="us-east-1",
                    help="Region for unsigned requests (no SigV4 credential scope)")
    args = ap.parse_args(argv)
    if not args.host.startswith("127."):
        ap.error("refusing to bind %s: loopback (127.x) only" % args.host)
    if args.upstream:
        host = urllib.parse.urlsplit(args.upstream).hostname or ""
        if not (host.startswith("127.") or host == "localhost"):
            ap.error("upstream must be on loopback")
    server.run(args)


if __name__ == "__main__":
    main()
