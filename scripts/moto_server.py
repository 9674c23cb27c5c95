"""Starts moto's server with the two wire-format fixes the Rust SDK needs (moto 5.2.5).

Usage: python scripts/moto_server.py -H 127.0.0.1 -p PORT   (same arguments as moto_server)

1. Pinpoint ApplicationResponse.CreationDate: moto sends a JSON number; the service model (and
   AWS) send an ISO-8601 string, and the Rust SDK rejects the number.
2. S3 GetBucketVersioning: moto answers with the root element GetBucketVersioningResponse; AWS
   answers VersioningConfiguration, which is what the Rust SDK parses.
"""

import datetime
import sys

import moto.pinpoint.models as pinpoint_models
import moto.s3.responses as s3_responses
from moto.server import main

_app_to_json = pinpoint_models.App.to_json


def _app_to_json_fixed(self):
    out = _app_to_json(self)
    created = out.get("CreationDate")
    if isinstance(created, (int, float)):
        out["CreationDate"] = (
            datetime.datetime.fromtimestamp(created, datetime.timezone.utc)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z")
        )
    return out


def _get_bucket_versioning_fixed(self):
    status = self.backend.get_bucket_versioning(self.bucket_name)
    inner = f"<Status>{status}</Status>" if status else ""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        f"{inner}</VersioningConfiguration>"
    )
    return 200, {"Content-Type": "application/xml"}, body


pinpoint_models.App.to_json = _app_to_json_fixed
s3_responses.S3Response.get_bucket_versioning = _get_bucket_versioning_fixed

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
