"""AWS CloudTrail (`cloudtrail`, awsJson 1.1): proxied to moto."""

from ..registry import Service

SERVICE = Service(
    "cloudtrail", protocol="json", json_content_type="application/x-amz-json-1.1",
    targets=("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", "CloudTrail_20131101"),
    throttle=("ThrottlingException", 400),
)
