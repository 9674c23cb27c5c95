"""--faults: throttling, 5xx, connection resets, latency spikes and 5xx bursts, drawn from one
seeded generator so that a run is reproducible with --seed."""

import random
import threading


class Faults:
    def __init__(self, spec, seed):
        self.throttle = self.err5xx = self.reset = self.spike_p = 0.0
        self.spike_ms = 0
        self.burst = 0
        self.services = None
        self.operations = None
        for part in filter(None, (spec or "").split(",")):
            name, _, val = part.partition("=")
            name = name.strip()
            if name == "throttle":
                self.throttle = float(val)
            elif name == "5xx":
                self.err5xx = float(val)
            elif name == "reset":
                self.reset = float(val)
            elif name == "spike":
                p, _, ms = val.partition(":")
                self.spike_p, self.spike_ms = float(p), int(ms or 1000)
            elif name == "5xx-burst":
                self.burst = int(val)
            elif name == "services":
                self.services = set(val.split("+"))
            elif name == "operations":
                self.operations = set(val.split("+"))
            else:
                raise SystemExit("unknown fault: %s" % name)
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.seen = {}

    def applies(self, service, op):
        return ((self.services is None or service in self.services)
                and (self.operations is None or op in self.operations))

    def draw(self, key):
        """Returns (fault name or None, extra latency seconds)."""
        service, op = key[1], key[2]
        if not self.applies(service, op):
            return None, 0.0
        with self.lock:
            if self.burst:
                n = self.seen.get(key, 0)
                self.seen[key] = n + 1
                if 1 <= n <= self.burst:
                    return "5xx-burst", 0.0
            r = self.rng.random
            spike = self.spike_ms / 1000.0 if self.spike_p and r() < self.spike_p else 0.0
            if self.reset and r() < self.reset:
                return "reset", spike
            if self.throttle and r() < self.throttle:
                return "throttle", spike
            if self.err5xx and r() < self.err5xx:
                return ("5xx-500" if r() < 0.5 else "5xx-503"), spike
            return ("spike" if spike else None), spike
