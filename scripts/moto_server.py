"""Starts moto's server with the two wire-format fixes the Rust SDK needs (moto 5.2.5).

Usage: python scripts/moto_server.py -H 127.0.0.1 -p PORT   (same arguments as moto_server)

1. Pinpoint ApplicationResponse.CreationDate: moto sends a JSON number; the service model (and
   AWS) send an ISO-8601 string, and the Rust SDK rejects the number.
2. S3 GetBucketVersioning: moto answers with the root element GetBucketVersioningResponse; AWS
   answers VersioningConfiguration, which is what the Rust SDK parses.
3. Firehose DescribeDeliveryStream: moto leaves out S3 destination members the model marks
   required (BufferingHints, CompressionFormat, EncryptionConfiguration), which AWS always
   sends; the Rust SDK rejects the answer. AWS's defaults are filled in.
"""

import datetime
import sys

import moto.firehose.responses as firehose_responses
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


_S3_DEFAULTS = {
    "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 300},
    "CompressionFormat": "UNCOMPRESSED",
    "EncryptionConfiguration": {"NoEncryptionConfig": "NoEncryption"},
}
_describe_delivery_stream = firehose_responses.FirehoseResponse.describe_delivery_stream


def _describe_delivery_stream_fixed(self):
    result = _describe_delivery_stream(self)
    description = getattr(result, "result", None) or {}
    for dest in description.get("DeliveryStreamDescription", {}).get("Destinations", []):
        for key in ("S3DestinationDescription", "ExtendedS3DestinationDescription"):
            if isinstance(dest.get(key), dict):
                for member, default in _S3_DEFAULTS.items():
                    dest[key].setdefault(member, default)
    return result


firehose_responses.FirehoseResponse.describe_delivery_stream = _describe_delivery_stream_fixed
pinpoint_models.App.to_json = _app_to_json_fixed
s3_responses.S3Response.get_bucket_versioning = _get_bucket_versioning_fixed

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
