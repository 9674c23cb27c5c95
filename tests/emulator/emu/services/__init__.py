"""One module per AWS service, each declaring `SERVICE = Service(...)` (emu/registry.py). Adding a
service: a new module here and one line in MODULES. The order matters only for rest-json routes,
which are tried service by service in this order."""

import importlib

from .. import registry

MODULES = (
    "sms_voice",
    "sesv2",
    "pinpoint",
    "cloudwatch",
    "lambda_",
    "s3",
    "iam",
    "sts",
    "firehose",
    "kinesis",
    "cloudtrail",
)

for _name in MODULES:
    registry.register(importlib.import_module("." + _name, __name__).SERVICE)
