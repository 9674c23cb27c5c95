"""CBOR (RFC 8949), as much as Smithy RPC v2 CBOR uses."""

import struct

from .scenario import GenList


class Undefined:
    """CBOR `undefined` (simple value 23)."""
    __slots__ = ()

    def __repr__(self):
        return "UNDEFINED"

    def __eq__(self, other):
        return isinstance(other, Undefined)

    def __hash__(self):
        return 23


UNDEFINED = Undefined()


class Tag:
    """A tagged item other than what decoding maps itself (tag 1 decodes to Tag(1, seconds))."""
    __slots__ = ("tag", "value")

    def __init__(self, tag, value):
        self.tag, self.value = tag, value

    def __eq__(self, other):
        return isinstance(other, Tag) and (self.tag, self.value) == (other.tag, other.value)

    def __repr__(self):
        return "Tag(%d, %r)" % (self.tag, self.value)


class Float:
    """A float encoded at a chosen width (16, 32 or 64 bits); plain floats encode as 64."""
    __slots__ = ("value", "bits")

    def __init__(self, value, bits=64):
        self.value, self.bits = float(value), bits


class CborError(ValueError):
    pass


def _cbor_head(major, n):
    if n < 24:
        return bytes([(major << 5) | n])
    if n < 0x100:
        return bytes([(major << 5) | 24, n])
    if n < 0x10000:
        return bytes([(major << 5) | 25]) + struct.pack(">H", n)
    if n < 0x100000000:
        return bytes([(major << 5) | 26]) + struct.pack(">I", n)
    if n < 0x10000000000000000:
        return bytes([(major << 5) | 27]) + struct.pack(">Q", n)
    raise CborError("integer too large for CBOR major type %d" % major)


def cbor_encode(value):
    out = bytearray()
    _cbor_enc(value, out)
    return bytes(out)


def _cbor_enc(v, out):
    if v is None:
        out.append(0xF6)
    elif v is True:
        out.append(0xF5)
    elif v is False:
        out.append(0xF4)
    elif isinstance(v, Undefined):
        out.append(0xF7)
    elif isinstance(v, int):
        out += _cbor_head(0, v) if v >= 0 else _cbor_head(1, -1 - v)
    elif isinstance(v, (float, Float)):
        bits = v.bits if isinstance(v, Float) else 64
        f = v.value if isinstance(v, Float) else v
        if bits == 16:
            out.append(0xF9)
            out += struct.pack(">e", f)
        elif bits == 32:
            out.append(0xFA)
            out += struct.pack(">f", f)
        else:
            out.append(0xFB)
            out += struct.pack(">d", f)
    elif isinstance(v, str):
        b = v.encode("utf-8")
        out += _cbor_head(3, len(b))
        out += b
    elif isinstance(v, (bytes, bytearray, memoryview)):
        b = bytes(v)
        out += _cbor_head(2, len(b))
        out += b
    elif isinstance(v, (list, tuple, GenList)):
        items = list(v)
        out += _cbor_head(4, len(items))
        for x in items:
            _cbor_enc(x, out)
    elif isinstance(v, dict):
        out += _cbor_head(5, len(v))
        for k, x in v.items():
            _cbor_enc(k, out)
            _cbor_enc(x, out)
    elif isinstance(v, Tag):
        out += _cbor_head(6, v.tag)
        _cbor_enc(v.value, out)
    else:
        raise CborError("cannot encode %r" % type(v).__name__)


_BREAK = object()


def cbor_decode(data):
    """Decodes one CBOR item that must span all of data. Maps → dict, arrays → list, text → str,
    byte strings → bytes (indefinite-length strings joined), half/single/double → float,
    undefined → UNDEFINED, tags → Tag(n, value)."""
    data = bytes(data)
    value, pos = _cbor_dec(data, 0)
    if value is _BREAK:
        raise CborError("unexpected break")
    if pos != len(data):
        raise CborError("trailing data at %d" % pos)
    return value


def _cbor_arg(data, pos, info):
    if info < 24:
        return info, pos
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None:
        raise CborError("bad additional info %d at %d" % (info, pos))
    if pos + size > len(data):
        raise CborError("truncated")
    return int.from_bytes(data[pos:pos + size], "big"), pos + size


def _cbor_dec(data, pos):
    if pos >= len(data):
        raise CborError("truncated")
    ib = data[pos]
    pos += 1
    major, info = ib >> 5, ib & 0x1F
    if major == 7:
        if info == 20:
            return False, pos
        if info == 21:
            return True, pos
        if info == 22:
            return None, pos
        if info == 23:
            return UNDEFINED, pos
        if info == 31:
            return _BREAK, pos
        fmt = {25: ">e", 26: ">f", 27: ">d"}.get(info)
        if fmt:
            n = struct.calcsize(fmt)
            if pos + n > len(data):
                raise CborError("truncated")
            return struct.unpack(fmt, data[pos:pos + n])[0], pos + n
        if info == 24:
            return Tag(-1, data[pos]), pos + 1  # other simple value (not used by Smithy)
        if info < 20:
            return Tag(-1, info), pos
        raise CborError("bad simple value %d" % info)
    if info == 31:  # indefinite length
        if major in (2, 3):
            chunks = []
            while True:
                item, pos = _cbor_dec(data, pos)
                if item is _BREAK:
                    break
                if major == 2 and not isinstance(item, bytes) or major == 3 and not isinstance(item, str):
                    raise CborError("bad chunk in indefinite string")
                chunks.append(item)
            return (b"".join(chunks) if major == 2 else "".join(chunks)), pos
        if major == 4:
            items = []
            while True:
                item, pos = _cbor_dec(data, pos)
                if item is _BREAK:
                    return items, pos
                items.append(item)
        if major == 5:
            d = {}
            while True:
                k, pos = _cbor_dec(data, pos)
                if k is _BREAK:
                    return d, pos
                d[_cbor_key(k)], pos = _cbor_dec(data, pos)
        raise CborError("indefinite length for major type %d" % major)
    n, pos = _cbor_arg(data, pos, info)
    if major == 0:
        return n, pos
    if major == 1:
        return -1 - n, pos
    if major in (2, 3):
        if pos + n > len(data):
            raise CborError("truncated string")
        raw = data[pos:pos + n]
        return (raw if major == 2 else raw.decode("utf-8")), pos + n
    if major == 4:
        items = []
        for _ in range(n):
            item, pos = _cbor_dec(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        d = {}
        for _ in range(n):
            k, pos = _cbor_dec(data, pos)
            d[_cbor_key(k)], pos = _cbor_dec(data, pos)
        return d, pos
    # major 6: tag
    item, pos = _cbor_dec(data, pos)
    return Tag(n, item), pos


def _cbor_key(k):
    if isinstance(k, (list, dict)):
        raise CborError("unhashable map key")
    return k
