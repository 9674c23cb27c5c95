"""AWS STS (`sts`, awsQuery): proxied to moto. AssumeRole is keyed by its RoleArn, so that a
scenario `errors` entry can deny one account's role in a many-account scan; the request itself
still goes to moto."""

import urllib.parse

from ..registry import Service


def request_key(req, body, param):
    if req.operation == "AssumeRole":
        form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
        param = form.get("RoleArn")
        req.role_arn = param
    return param


SERVICE = Service(
    "sts", protocol="query", query_ns="https://sts.amazonaws.com/doc/2011-06-15/",
    throttle=("Throttling", 400), request_key=request_key,
)
