"""AWS IAM (`iam`, awsQuery): proxied to moto; named here for its error wire format."""

from ..registry import Service

SERVICE = Service(
    "iam", protocol="query", query_ns="https://iam.amazonaws.com/doc/2010-05-08/",
    throttle=("Throttling", 400), internal="ServiceFailure",
)
