"""Amazon Data Firehose (`firehose`, awsJson 1.1): proxied to moto."""

from ..registry import Service

SERVICE = Service(
    "firehose", protocol="json", json_content_type="application/x-amz-json-1.1", targets=("Firehose_20150804",),
    throttle=("LimitExceededException", 400), internal="ServiceUnavailableException",
)
