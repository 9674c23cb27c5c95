"""--enforce-quotas: a token bucket per (Region, service, operation), rates from each service's
`quotas` (emu/services/)."""

import threading
import time

from . import registry

QUOTA_TOLERANCE_S = 0.05


class Quotas:
    def __init__(self):
        self.lock = threading.Lock()
        self.buckets = {}

    @staticmethod
    def limit(service, op):
        for pattern, rate, burst in registry.get(service).quotas:
            if pattern.endswith("*") and op.startswith(pattern[:-1]) or pattern == op:
                return rate, burst
        return None

    def take(self, key):
        lim = self.limit(key[1], key[2])
        if lim is None:
            return True
        rate, burst = lim
        now = time.monotonic()
        with self.lock:
            tokens, last = self.buckets.get(key, (burst, now))
            tokens = min(burst, tokens + (now - last) * rate)
            if tokens >= 1.0 - rate * QUOTA_TOLERANCE_S:
                self.buckets[key] = (tokens - 1.0, now)  # may go slightly negative: the early tolerance is paid back
                return True
            self.buckets[key] = (tokens, now)
            return False
