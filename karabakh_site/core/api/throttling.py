"""The API's throttle for anonymous clients, counted in the shared cache."""

import math

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from rest_framework.throttling import AnonRateThrottle


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous clients only, per IP address, at settings.API_ANON_THROTTLE_RATE (read on each
    request, so a changed setting applies at once): at most that many requests in each window of
    the period (a minute from :00, an hour from :00, ...), Retry-After the end of the window.

    The count lives in the shared cache and only ever goes up by one per request: the first
    request of a window adds the key, later ones increment it. DRF's own throttle reads a list of
    times and writes it back, so workers that overlap overwrite each other's requests. On Redis
    (add is SET NX, incr is INCR) the count is exact under any concurrency; the database cache's
    add is atomic (a unique key) but its increment is a read then a write, so requests from one
    client that arrive at the same instant may count as one."""

    def get_rate(self):
        return settings.API_ANON_THROTTLE_RATE

    def allow_request(self, request, view):
        self.key = self.get_cache_key(request, view)
        if self.rate is None or self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        # Kept a whole period past its window, so a key is never incremented after it expired.
        timeout = math.ceil(self.window_ends - self.now) + self.duration
        count = self._count(f"{self.key}:{window}", timeout)
        return count <= self.num_requests or self.throttle_failure()

    def _count(self, key: str, timeout: int) -> int:
        cache = caches["default"]  # The backend itself (DRF's is a proxy to it).
        if type(cache).incr is not BaseCache.incr:
            # A native increment (Redis, local memory): atomic, and it keeps the key's timeout.
            try:
                return cache.incr(key)
            except ValueError:
                if cache.add(key, 1, timeout):
                    return 1
                return cache.incr(key)
        # The generic increment writes the value back with the default timeout, which would end
        # a window of an hour after five idle minutes; write it back with the window's.
        count = cache.get(key)
        if count is None:
            if cache.add(key, 1, timeout):
                return 1
            count = cache.get(key, 0)
        cache.set(key, count + 1, timeout)
        return count + 1

    def wait(self):
        return self.window_ends - self.now
