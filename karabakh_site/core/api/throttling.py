"""The API's throttle for anonymous clients, counted in the shared cache."""

import math

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from rest_framework.throttling import AnonRateThrottle

from karabakh_site.core.faults import CACHE_ERRORS, cache_circuit


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous clients only, per IP address, at settings.API_ANON_THROTTLE_RATE (read on each
    request, so a changed setting applies at once).

    A sliding window, counted in the shared cache: requests are counted per fixed window of the
    period (a minute from :00, ...), and a request is refused when the current window's count
    plus the previous window's, weighted by how much of it the sliding window still covers,
    reaches the rate. Fixed windows alone let twice the rate through around a window's boundary
    (the end of one and the start of the next); the weighted previous window closes that. Only
    requests let through are counted, as DRF's own throttle does.

    Counts only ever change by one per request: the first request of a window adds the key,
    later ones increment it (and a refused one takes its increment back). DRF's own throttle
    reads a list of times and writes it back, so workers that overlap overwrite each other's
    requests. On Redis (add is SET NX, incr is INCR) the count is exact under any concurrency;
    the database cache's add is atomic (a unique key) but its increment is a read then a write,
    so requests from one client that arrive at the same instant may count as one.

    When the cache cannot be reached (Redis down or hung) the request is let through: the API
    keeps serving from the database, unthrottled, rather than failing every call. The failure
    is remembered for a few seconds (core.faults.cache_circuit), so a hung Redis does not cost
    a socket timeout on every request."""

    def get_rate(self):
        return settings.API_ANON_THROTTLE_RATE

    def allow_request(self, request, view):
        self.key = self.get_cache_key(request, view)
        if self.rate is None or self.key is None or cache_circuit.is_open():
            return True
        try:
            allowed = self._allow()
        except CACHE_ERRORS as error:
            cache_circuit.failed(error, "anonymous API clients are not throttled meanwhile")
            return True
        cache_circuit.succeeded()
        # For the RateLimit-* headers (ApiViewMixin.finalize_response), worked out from the same
        # shared-cache counts as the decision, so every worker tells a client the same.
        request._request.rate_limit = self.headers(allowed)
        return allowed or self.throttle_failure()

    def headers(self, allowed: bool) -> dict[str, str]:
        """RateLimit-Limit: the rate's number of requests; RateLimit-Remaining: how many more the
        sliding window lets in now; RateLimit-Reset: seconds until one more is let in when none
        remain (as Retry-After), else until the current fixed window ends and its count starts
        to weigh less."""
        reset = math.ceil(self.started + self.duration - self.now) if allowed else self.wait()
        return {
            "RateLimit-Limit": str(self.num_requests),
            "RateLimit-Remaining": str(max(0, math.floor(self.num_requests - self.used))),
            "RateLimit-Reset": str(max(1, reset)),
        }

    def _allow(self) -> bool:
        self.now = self.timer()
        window = int(self.now // self.duration)
        started = window * self.duration
        # Kept a whole period past its window, so the next window can still weigh it.
        timeout = math.ceil(started + 2 * self.duration - self.now)
        cache = caches["default"]  # The backend itself (DRF's is a proxy to it).
        current_key = f"{self.key}:{window}"
        current = self._count(cache, current_key, timeout, 1)
        previous = cache.get(f"{self.key}:{window - 1}", 0)
        # The share of the previous window the sliding window [now - period, now] still covers.
        weight = 1 - (self.now - started) / self.duration
        self.started = started
        self.used = current + previous * weight
        if self.used <= self.num_requests:
            return True
        self._count(cache, current_key, timeout, -1)
        self.used = self.num_requests
        self.free_at = self._free_at(started, allowed=current - 1, previous=previous)
        return False

    def _free_at(self, started: float, *, allowed: int, previous: int) -> float:
        """When one more request would be let through, if none comes meanwhile."""
        room = self.num_requests - allowed - 1  # what the previous window's share must fall to
        if room >= 0 and previous:
            # Later in this window, once the previous one's weighted share has shrunk enough.
            return started + self.duration * (1 - room / previous)
        # In the next window, where this one's count becomes the weighted previous one.
        share = 1 - (self.num_requests - 1) / allowed if allowed else 0.0
        return started + self.duration * (1 + max(0.0, share))

    @staticmethod
    def _count(cache, key: str, timeout: int, delta: int) -> int:
        if type(cache).incr is not BaseCache.incr:
            # A native increment (Redis, local memory): atomic, and it keeps the key's timeout.
            try:
                return cache.incr(key, delta)
            except ValueError:
                if cache.add(key, delta, timeout):
                    return delta
                return cache.incr(key, delta)
        # The generic increment writes the value back with the default timeout, which would end
        # a window of an hour after five idle minutes; write it back with the window's.
        count = cache.get(key)
        if count is None:
            if cache.add(key, delta, timeout):
                return delta
            count = cache.get(key, 0)
        cache.set(key, count + delta, timeout)
        return count + delta

    def wait(self):
        return max(1, math.ceil(self.free_at - self.now))
