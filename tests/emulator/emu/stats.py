"""Request counts behind GET /__emulator/stats."""

import threading
import time


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.requests = 0
        self.operations = {}
        self.throttles = 0
        self.faults = {}
        self.proxied = 0
        self.statuses = {}
        self.protocols = {}
        self.started = time.time()

    def record(self, entry, protocol):
        with self.lock:
            self.requests += 1
            k = "%s %s %s" % (entry["region"], entry["service"], entry["operation"])
            self.operations[k] = self.operations.get(k, 0) + 1
            st = str(entry["status"])
            self.statuses[st] = self.statuses.get(st, 0) + 1
            if entry["proxied"]:
                self.proxied += 1
            if entry["fault"]:
                self.faults[entry["fault"]] = self.faults.get(entry["fault"], 0) + 1
                if entry["fault"] in ("quota", "throttle"):
                    self.throttles += 1
            if protocol:
                self.protocols.setdefault(entry["service"], {})
                p = self.protocols[entry["service"]]
                p[protocol] = p.get(protocol, 0) + 1

    def snapshot(self):
        with self.lock:
            return {"requests": self.requests, "operations": dict(self.operations),
                    "throttles": self.throttles, "faults": dict(self.faults),
                    "proxied": self.proxied, "statuses": dict(self.statuses),
                    "protocols": {k: dict(v) for k, v in self.protocols.items()},
                    "seconds": round(time.time() - self.started, 3)}
