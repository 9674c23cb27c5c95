"""Identifying a request: service and Region from the SigV4 credential scope, then the operation
and protocol from X-Amz-Target (awsJson), the rpc-v2-cbor path, `Action=` (awsQuery), the
services' rest-json routes, or the catch-all service (S3). README.md, "How a request is identified"."""

import hashlib
import re
import urllib.parse

from . import registry

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te",
              "trailer"}

_CRED = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")


class Query(dict):
    """First value per key, plus get_all."""

    def __init__(self, qs):
        super().__init__()
        self.pairs = urllib.parse.parse_qsl(qs, keep_blank_values=True)
        for k, v in self.pairs:
            self.setdefault(k, v)

    def get_all(self, key):
        return [v for k, v in self.pairs if k == key]


class Request:
    __slots__ = ("service", "region", "operation", "protocol", "params", "body_json", "query",
                 "list_member", "page_cap", "path", "access_key", "role_arn")


def identify(method, path, query, headers, body, default_region):
    r = Request()
    r.path = path
    r.query = query
    r.params = ()
    r.body_json = None
    r.list_member = None
    r.page_cap = None
    r.protocol = None
    auth = headers.get("Authorization") or ""
    m = _CRED.search(auth)
    r.region, r.service = (m.group(2), m.group(3)) if m else (default_region, None)
    # Which credentials signed the call, as a short hash (the log carries no header value):
    # lets a test see e.g. that a member AssumeRole was signed with the hub role's credentials.
    r.access_key = hashlib.sha256(m.group(1).encode()).hexdigest()[:12] if m else None
    r.role_arn = None
    target = headers.get("X-Amz-Target")
    ctype = (headers.get("Content-Type") or "").lower()
    if target:
        prefix, _, op = target.rpartition(".")
        r.operation = op
        r.protocol = "json-1.1" if "1.1" in ctype else "json-1.0"
        if r.service is None:
            r.service = registry.TARGETS.get(prefix, prefix)
        return r
    if (headers.get("smithy-protocol") or "").lower() == "rpc-v2-cbor" or path.startswith("/service/"):
        parts = path.split("/")
        r.operation = parts[-1] if len(parts) >= 5 else "Unknown"
        r.protocol = "rpc-v2-cbor"
        if r.service is None:
            r.service = registry.TARGETS.get(parts[2] if len(parts) > 2 else "",
                                             registry.PROTOCOLS["rpc-v2-cbor"].name)
        return r
    if "x-www-form-urlencoded" in ctype or "Action" in query:
        form = dict(query)
        if "x-www-form-urlencoded" in ctype:
            form.update(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        if "Action" in form:
            r.operation = form["Action"]
            r.protocol = "query"
            return r
    for service, rmethod, rx, op, lm, cap in registry.ROUTES:
        if rmethod != method:
            continue
        if r.service is not None and r.service != service:
            continue
        mm = rx.match(path)
        if mm:
            r.service = service
            r.operation = op
            r.params = tuple(urllib.parse.unquote(g) for g in mm.groups())
            r.list_member = lm
            r.page_cap = cap
            r.protocol = "rest-json"
            return r
    fallback = registry.CATCH_ALL
    if r.service == fallback.name or r.service is None:
        r.service = r.service or fallback.name
        r.operation = fallback.path_operation(method, path, query)
        r.protocol = fallback.protocol
        return r
    r.operation = "%s %s" % (method, path)
    return r
