"""Pagination: opaque NextTokens (base64 of operation and offset, so a foreign token is
refused), page sizes capped at the documented maximum, and slicing of a list member."""

import base64

from .scenario import list_slice


def token_encode(op, offset):
    return base64.urlsafe_b64encode(("%s:%d" % (op, offset)).encode()).decode().rstrip("=")


def token_decode(op, token):
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        name, _, off = raw.rpartition(":")
        if name != op:
            return None
        return int(off)
    except Exception:
        return None


def page_size(raw, cap):
    try:
        n = int(raw)
    except (TypeError, ValueError):
        return cap
    return max(1, min(n, cap))


def paginate(req, body, member, start_token, size):
    """Slices body[member] from the token's offset; returns the page body, or None for a
    token that is not this operation's."""
    items = body.get(member) if isinstance(body, dict) else None
    if items is None:
        items = []
    start = 0
    if start_token:
        start = token_decode(req.operation, start_token)
        if start is None:
            return None
    page = list_slice(items, start, start + size)
    out = {k: v for k, v in body.items() if k not in (member, "NextToken")}
    out[member] = page
    if start + size < len(items):
        out["NextToken"] = token_encode(req.operation, start + size)
    return out
