"""Success and error answers in each protocol's wire format, with each service's codes taken
from its registry entry."""

import json
import uuid

from . import registry
from .cbor import cbor_encode
from .scenario import materialize


def json_ok(body, ctype="application/json"):
    return 200, [("Content-Type", ctype), ("x-amzn-RequestId", str(uuid.uuid4()))], \
        json.dumps(materialize(body), separators=(",", ":")).encode()


def error_response(req, status, code, message):
    """(status, headers, body) for an error in the service's protocol."""
    rid = str(uuid.uuid4())
    svc = registry.get(req.service)
    proto = req.protocol or svc.protocol
    if proto == "rpc-v2-cbor":
        return status, cbor_headers(rid, code, status), cbor_encode({"__type": code, "message": message})
    if proto.startswith("json"):
        ctype = svc.json_content_type
        body = json.dumps({"__type": code, "message": message}).encode()
        return status, [("Content-Type", ctype), ("x-amzn-ErrorType", code),
                        ("x-amzn-RequestId", rid)], body
    if proto == "query":
        kind = "Receiver" if status >= 500 else "Sender"
        ns = svc.query_ns
        body = ('<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message>'
                '</Error><RequestId>%s</RequestId></ErrorResponse>' % (ns, kind, code, _xml(message), rid))
        return status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)], body.encode()
    if proto == "rest-xml":
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s</Message>'
                '<RequestId>%s</RequestId></Error>' % (code, _xml(message), rid))
        return status, [("Content-Type", "application/xml"), ("x-amz-request-id", rid)], body.encode()
    # rest-json
    if svc.rest_error is not None:
        payload = svc.rest_error(message, rid)
    else:
        payload = {"message": message}
    return status, [("Content-Type", "application/json"), ("x-amzn-ErrorType", code),
                    ("x-amzn-RequestId", rid)], json.dumps(payload).encode()


def cbor_headers(rid, code=None, status=200, query_error=None):
    """Response headers for rpc-v2-cbor. CloudWatch is awsQueryCompatible: errors also carry
    `x-amzn-query-error: CODE;Sender|Receiver`, which the SDK prefers to the body's `__type`."""
    h = [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor"),
         ("x-amzn-RequestId", rid)]
    if code is not None:
        h.append(("x-amzn-ErrorType", code))
        h.append(("x-amzn-query-error", query_error or
                  "%s;%s" % (code, "Receiver" if status >= 500 else "Sender")))
    return h


def _xml(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def throttle_response(req):
    code, status = registry.get(req.service).throttle
    if req.protocol == "rpc-v2-cbor" or req.protocol == "query":
        code = "Throttling"
    return error_response(req, status, code, "Rate exceeded")


def server_error_response(req, status):
    svc = registry.get(req.service)
    if status == 503:
        return error_response(req, 503, svc.unavailable, "Service unavailable")
    return error_response(req, 500, svc.internal, "Internal failure")
