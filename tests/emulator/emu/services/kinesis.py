"""Amazon Kinesis Data Streams (`kinesis`, awsJson 1.1): proxied to moto."""

from ..registry import Service

SERVICE = Service(
    "kinesis", protocol="json", json_content_type="application/x-amz-json-1.1", targets=("Kinesis_20131202",),
    throttle=("LimitExceededException", 400), internal="InternalFailure",
)
