"""Service models (shape types) that type CBOR answers: models/SERVICE.json, made by
models/extract.py from botocore's service-2.json. Every models/*.json is loaded at start."""

import base64
import datetime
import gzip
import json
import os

from .cbor import Float, Tag
from .scenario import GenList

MODEL_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models")


class Model:
    def __init__(self, doc):
        self.metadata = doc.get("metadata", {})
        self.operations = doc.get("operations", {})
        self.shapes = doc.get("shapes", {})
        self.target_prefix = self.metadata.get("targetPrefix")

    @classmethod
    def load(cls, path):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt") as f:
            doc = json.load(f)
        if "operations" in doc:
            for name, op in doc["operations"].items():  # full botocore models: {"shape": ...}
                for k in ("input", "output"):
                    if isinstance(op.get(k), dict):
                        op[k] = op[k]["shape"]
        for s in doc.get("shapes", {}).values():
            if s.get("type") == "structure":
                s["members"] = {m: (v["shape"] if isinstance(v, dict) else v)
                                for m, v in s.get("members", {}).items()}
            for k in ("member", "key", "value"):
                if isinstance(s.get(k), dict):
                    s[k] = s[k]["shape"]
        return cls(doc)

    def output_shape(self, op):
        return (self.operations.get(op) or {}).get("output")

    def to_cbor(self, shape, value):
        """JSON value (awsJson wire form) → CBOR-ready value, typed by the model: timestamps as
        tag 1 epoch seconds (float), float/double as CBOR floats, integer/long as ints, blobs as
        byte strings. Members the model does not know are typed by their JSON value."""
        s = self.shapes.get(shape) if shape else None
        if value is None:
            return None
        if s is None:
            return untyped_cbor(value)
        t = s["type"]
        if t == "structure":
            if not isinstance(value, dict):
                return untyped_cbor(value)
            members = s.get("members", {})
            return {k: self.to_cbor(members.get(k), v) for k, v in value.items() if v is not None}
        if t == "list":
            return [self.to_cbor(s.get("member"), v) for v in (value or [])]
        if t == "map":
            return {k: self.to_cbor(s.get("value"), v) for k, v in (value or {}).items()}
        if t == "timestamp":
            return Tag(1, _epoch_seconds(value))
        if t in ("double", "float"):
            f = float(value) if not isinstance(value, str) else float(value)
            return f if t == "double" else Float(f, 32)
        if t in ("integer", "long", "short", "byte"):
            return int(value)
        if t == "boolean":
            return bool(value) if not isinstance(value, str) else value.lower() == "true"
        if t == "blob":
            return base64.b64decode(value) if isinstance(value, str) else bytes(value)
        return value if isinstance(value, str) else str(value)


def untyped_cbor(value):
    if isinstance(value, dict):
        return {k: untyped_cbor(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, GenList)):
        return [untyped_cbor(v) for v in value]
    return value


def _epoch_seconds(value):
    if isinstance(value, Tag) and value.tag == 1:
        value = value.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    s = str(value).strip()
    try:
        return float(s)
    except ValueError:
        pass
    s = s.replace("Z", "+00:00")
    dt = datetime.datetime.fromisoformat(s)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt.timestamp()


def load_models(directory=MODEL_DIR):
    models = {}
    if os.path.isdir(directory):
        for name in sorted(os.listdir(directory)):
            if name.endswith(".json"):
                models[name[:-5]] = Model.load(os.path.join(directory, name))
    return models


# Filled once at start (emulator.py main): service name -> Model.
MODELS = {}
