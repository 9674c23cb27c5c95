"""The scenario file: values with placeholders, `$generate` lists made on demand, lookups of
`Op PARAM` / `Op *` / `Op`, ownership, and injected errors."""

import re
import threading

_PLACEHOLDER = re.compile(r"\{(i|name|region|account)(?::([^{}]*))?\}")


def _has_placeholder(value):
    if isinstance(value, str):
        return _PLACEHOLDER.search(value) is not None
    if isinstance(value, dict):
        return any(_has_placeholder(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_placeholder(v) for v in value)
    return False


def substitute(value, env):
    """Replaces {i}, {i:08d}, {name}, {region}, {account} in every string of value."""
    if isinstance(value, str):
        if "{" not in value:
            return value

        def repl(m):
            key, spec = m.group(1), m.group(2)
            if key not in env:
                return m.group(0)
            return format(env[key], spec or "")
        return _PLACEHOLDER.sub(repl, value)
    if isinstance(value, dict):
        return {k: substitute(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, env) for v in value]
    return value


class GenList:
    """A list of `count` items made on demand from one template (`$generate`)."""

    __slots__ = ("count", "item", "env", "dynamic")

    def __init__(self, count, item, env):
        self.count = int(count)
        self.item = item
        self.env = env
        self.dynamic = _has_placeholder(item)

    def __len__(self):
        return self.count

    def slice(self, start, stop):
        stop = min(stop, self.count)
        if not self.dynamic:
            return [self.item] * max(0, stop - start)
        return [substitute(self.item, dict(self.env, i=i)) for i in range(start, stop)]

    def __iter__(self):
        return iter(self.slice(0, self.count))


def prepare(value, env):
    """Expands region/account placeholders and turns {"$generate": ...} into GenList."""
    if isinstance(value, dict):
        if "$generate" in value and len(value) == 1:
            g = value["$generate"]
            return GenList(g["count"], prepare(g["item"], env), env)
        return {k: prepare(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [prepare(v, env) for v in value]
    if isinstance(value, str):
        return substitute(value, {k: v for k, v in env.items() if k in ("region", "account")})
    return value


def materialize(value):
    """JSON-ready copy: any GenList left inside an answer is expanded whole."""
    if isinstance(value, GenList):
        return [materialize(v) for v in value]
    if isinstance(value, dict):
        return {k: materialize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [materialize(v) for v in value]
    return value


def list_slice(items, start, stop):
    if isinstance(items, GenList):
        return items.slice(start, stop)
    return items[start:stop]


class Scenario:
    """`listed`: services whose read operations are answered when the scenario lists them (in
    `regions`, any Region, or in `owned`); `always`: services answered whatever they ask."""

    def __init__(self, doc, listed, always):
        self.account = str(doc.get("account", "123456789012"))
        self.regions = {}
        self.always = frozenset(always)
        owned = {service: set() for service in listed}
        for region, services in doc.get("regions", {}).items():
            env = {"region": region, "account": self.account}
            r = self.regions.setdefault(region, {})
            for service, ops in services.items():
                table = r.setdefault(service, {})
                for key, body in ops.items():
                    op, _, param = key.partition(" ")
                    table[(op, param or None)] = prepare(body, env)
                    if service in owned:
                        owned[service].add(op)
        for service, ops in doc.get("owned", {}).items():
            owned.setdefault(service, set()).update(ops)
        self.owned = owned
        self.errors = []
        for e in doc.get("errors", []):
            e = dict(e)
            e.setdefault("status", 400)
            e.setdefault("message", "injected by the scenario")
            e["remaining"] = e.get("times")
            self.errors.append(e)
        self.lock = threading.Lock()

    def owns(self, service, op):
        """Services in `always`: every operation. Services in `listed`: read operations the
        scenario lists (any Region), or all read operations when `owned` lists "*". Writes are
        always proxied (monitoring through the rpc-v2-cbor → awsJson bridge)."""
        if service in self.always:
            return True
        ops = self.owned.get(service, ())
        if op in ops:
            return True
        return "*" in ops and op.startswith(("Get", "List", "Describe"))

    def lookup(self, region, service, op, param):
        """(found, body): the exact key, then `Op *` (with {name}), then `Op`."""
        table = self.regions.get(region, {}).get(service, {})
        if param is not None:
            if (op, param) in table:
                return True, table[(op, param)]
            if (op, "*") in table:
                return True, substitute(table[(op, "*")], {"name": param, "region": region,
                                                          "account": self.account})
        if (op, None) in table:
            return True, table[(op, None)]
        return False, None

    def injected_error(self, region, service, op, param):
        with self.lock:
            for e in self.errors:
                if e.get("region") not in (None, region) or e.get("service") != service:
                    continue
                if e.get("operation") not in ("*", op):
                    continue
                if e.get("key") is not None and e.get("key") != param:
                    continue
                if e["remaining"] is not None:
                    if e["remaining"] <= 0:
                        continue
                    e["remaining"] -= 1
                return e
        return None
