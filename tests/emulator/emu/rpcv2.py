"""Smithy RPC v2 CBOR (what aws-sdk-cloudwatch speaks): decoding request bodies to the awsJson
form, answering in CBOR typed by the service model, and bridging to an awsJson 1.0 upstream
(moto serves CloudWatch over awsJson only). README.md, "CloudWatch: the rpc-v2-cbor bridge"."""

import base64
import gzip
import json
import struct
import uuid

from . import registry
from .cbor import CborError, Tag, Undefined, cbor_decode, cbor_encode
from .model import MODELS, untyped_cbor
from .request import HOP_BY_HOP
from .responses import cbor_headers, error_response
from .scenario import materialize

PROTOCOL = "rpc-v2-cbor"


def decode_cbor_request(body, chunked, headers):
    """(awsJson-form dict, error message or None) for an rpc-v2-cbor request body."""
    try:
        if chunked:
            body = _dechunk(body)
        if "gzip" in (headers.get("Content-Encoding") or "").lower():
            body = gzip.decompress(body)
        value = cbor_decode(body) if body else {}
    except (CborError, ValueError, OSError, EOFError, struct.error) as e:
        return {}, "cannot decode CBOR request body: %s" % e
    if not isinstance(value, dict):
        return {}, "request body is not a CBOR map"
    return cbor_to_json(value), None


def _dechunk(raw):
    out, pos = bytearray(), 0
    while True:
        end = raw.index(b"\r\n", pos)
        n = int(raw[pos:end].split(b";")[0].strip() or b"0", 16)
        if n == 0:
            return bytes(out)
        out += raw[end + 2:end + 2 + n]
        pos = end + 2 + n + 2

def cbor_to_json(value):
    """A decoded rpc-v2-cbor request → the awsJson request: tag 1 → epoch seconds, byte strings
    → base64, undefined and null members dropped."""
    if isinstance(value, dict):
        return {str(k): cbor_to_json(v) for k, v in value.items()
                if v is not None and not isinstance(v, Undefined)}
    if isinstance(value, list):
        return [cbor_to_json(v) for v in value]
    if isinstance(value, Tag):
        return cbor_to_json(value.value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    return value


def cbor_ok(req, body, rid=None):
    """200 with body (an awsJson-form dict) encoded as CBOR, typed by the operation's output
    shape in the service model."""
    model = MODELS.get(req.service)
    value = materialize(body) if body is not None else {}
    if model is not None:
        value = model.to_cbor(model.output_shape(req.operation), value)
    else:
        value = untyped_cbor(value)
    if not isinstance(value, dict):
        value = {}
    return 200, cbor_headers(rid or str(uuid.uuid4())), cbor_encode(value)


def bridge(req, incoming_headers, proxy):
    """rpc-v2-cbor request → awsJson 1.0 to the upstream (moto) → CBOR answer. Nothing is
    re-signed (moto checks no signature); Authorization is kept so moto sees the Region.
    `proxy(body, chunked, method, path, headers)` sends to the upstream: (status, headers, body)."""
    model = MODELS.get(req.service)
    prefix = (model.target_prefix if model else None) or \
        (req.path.split("/")[2] if req.path.count("/") >= 4 else registry.PROTOCOLS[PROTOCOL].targets[0])
    drop = HOP_BY_HOP | {"content-type", "content-length", "content-encoding", "smithy-protocol",
                         "accept", "x-amz-target", "expect"}
    jbody = json.dumps(req.body_json or {}, separators=(",", ":")).encode()
    headers = [(k, v) for k, v in incoming_headers.items() if k.lower() not in drop]
    headers += [("X-Amz-Target", "%s.%s" % (prefix, req.operation)),
                ("Content-Type", "application/x-amz-json-1.0"), ("Content-Length", str(len(jbody)))]
    status, up_headers, data = proxy(jbody, False, "POST", "/", headers)
    up = {k.lower(): v for k, v in up_headers}
    rid = up.get("x-amzn-requestid") or str(uuid.uuid4())
    try:
        doc = json.loads(data) if data.strip() else {}
    except ValueError:
        doc = None
    if 200 <= status < 300:
        if doc is None or not isinstance(doc, dict):
            doc = {}
        return cbor_ok(req, doc, rid)
    if isinstance(doc, dict) and (doc.get("__type") or up.get("x-amzn-errortype")):
        code = str(doc.get("__type") or up.get("x-amzn-errortype"))
        code = code.split(":", 1)[0].rsplit("#", 1)[-1]
        message = doc.get("message") or doc.get("Message") or ""
        return status, cbor_headers(rid, code, status, up.get("x-amzn-query-error")), \
            cbor_encode({"__type": code, "message": str(message)})
    if status == 404:  # moto's HTML 404: an operation it does not implement
        return error_response(req, 404, "UnknownOperationException",
                              "operation %s not implemented upstream" % req.operation)
    return error_response(req, status if status >= 500 else 500, "InternalFailure",
                          "upstream answered %d without a JSON error" % status)
