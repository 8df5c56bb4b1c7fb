"""What the site does when PostgreSQL or Redis fails: keep serving what it can, answer a quick 503
with Retry-After for what it cannot, and recover on its own when the service is back.

- Redis (the shared cache) down or hung: callers catch CACHE_ERRORS and go on without the cache
  (the API throttle lets requests through). `cache_circuit` remembers the failure for a few
  seconds, so a hung Redis costs one socket timeout per process every few seconds, not one per
  cache call, and the warning is logged once a minute rather than once a request.
- PostgreSQL stopped or hung: DatabaseUnavailableMiddleware (and the API's handle_exception, and
  the 500 handler for errors outside views) answers 503 with Retry-After: the site's HTML page,
  JSON under /api/. The settings bound the time it takes: connect_timeout for a new connection,
  statement_timeout for a live server with a stuck query (settings.database_config).
- PostgreSQL frozen (SIGSTOP, a paused VM): the kernel still accepts and acknowledges TCP, so no
  libpq option helps (connect_timeout covers new connections only; tcp_user_timeout and keepalives
  were measured and never fire, see docs/operations.md) and a query on a persistent connection
  waits for ever. `watchdog` shuts the socket of a query that outlives the server's own
  statement_timeout by a second, so psycopg raises OperationalError at once.
- /healthz: health() answers within a bound of its own whatever the database does.
"""

import logging
import os
import re
import socket
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

# What a client is told to wait before trying again (seconds).
RETRY_AFTER = 30
# How long a query may outlive the server's statement_timeout before its socket is shut.
GRACE = 1.0
# Django's health check of a persistent connection is one SELECT 1: a live server answers at once.
HEALTH_CHECK_SECONDS = 1.0

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is in requirements.txt
    RedisError = OSError

# What the Redis cache raises when Redis is down, hung or refusing writes. The database cache's
# errors are database errors: the database is then down too, and that answer is a 503.
CACHE_ERRORS = (RedisError, OSError)


# The database -------------------------------------------------------------------------------


def database_unavailable(exc: BaseException | None) -> bool:
    """True for errors that mean "the database cannot answer now" (refused, timed out, dropped,
    a query cancelled by statement_timeout), which a retry later may cure."""
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__
    return False


def unavailable_response(request) -> HttpResponse:
    """The 503: JSON under /api/, the site's page elsewhere. The page is rendered without the
    request's context processors (the user and messages would query the database)."""
    message = "The archive's database is unavailable just now. Please try again shortly."
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        template = loader.get_template("503.html")
        response = HttpResponse(
            template.render({"error_page": True, "retry_after": RETRY_AFTER}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER)
    # A shared cache or CDN must not keep the outage after it ends.
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """First in MIDDLEWARE. Before anything queries, runs Django's health check of a persistent
    connection (conn_health_checks) under the watchdog, and puts the watchdog around every query;
    turns a view's database-unavailable error into the 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for connection in connections.all():
            if connection.vendor != "postgresql":
                continue
            if _guard_queries not in connection.execute_wrappers:
                # First, not last: connection.execute_wrapper() pops the last one on exit.
                connection.execute_wrappers.insert(0, _guard_queries)
            if (
                connection.connection is not None
                and connection.health_check_enabled
                and not connection.health_check_done
            ):
                with watchdog.guard(connection, HEALTH_CHECK_SECONDS):
                    # A failed check closes the connection; the next query opens a new one.
                    connection.close_if_health_check_failed()
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_unavailable(exception):
            logger.warning("Database unavailable, answering 503: %s", exception)
            return unavailable_response(request)
        return None


def statement_timeout(connection) -> float | None:
    """The connection's statement_timeout in seconds, read from the options it connects with."""
    options = connection.settings_dict.get("OPTIONS", {}).get("options", "")
    match = re.search(r"statement_timeout\s*=\s*'?(\d+)\s*(ms|s|min)?", options)
    if not match or int(match.group(1)) == 0:
        return None
    return int(match.group(1)) * {"ms": 0.001, "s": 1, "min": 60}[match.group(2) or "ms"]


@contextmanager
def guarded(connection):
    """The watchdog around a database call, as around every query (_guard_queries); for calls on
    the driver's connection itself, which Django's execute wrappers do not see."""
    limit = statement_timeout(connection)
    if limit is None:
        yield
        return
    with watchdog.guard(connection, limit + GRACE):
        yield


def _guard_queries(execute, sql, params, many, context):
    with guarded(context["connection"]):
        return execute(sql, params, many, context)


class Watchdog:
    """One thread per process that shuts the socket of a guarded database call still waiting at
    its deadline. A blocked read then ends with "server closed the connection unexpectedly"
    (psycopg's OperationalError), Django discards the connection, and the next request connects
    anew (bounded by connect_timeout). Measured: a query to a frozen server returns 1.0 s after
    a 1 s deadline; without it, it never returns."""

    def __init__(self):
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self):
        self._wake = threading.Condition()
        self._guards: dict[object, tuple[float, object]] = {}
        self._next = float("inf")  # when the thread wakes next
        self._thread = None

    @contextmanager
    def guard(self, connection, seconds: float):
        raw = connection.connection
        if raw is None or not hasattr(raw, "fileno"):
            yield
            return
        token, shut = object(), []
        deadline = time.monotonic() + seconds
        with self._wake:
            self._guards[token] = (deadline, raw, shut)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="database-watchdog", daemon=True
                )
                self._thread.start()
            if deadline < self._next:
                self._wake.notify()
        failed = False
        try:
            yield
        except BaseException:
            failed = True
            raise
        finally:
            # Under the lock: once this returns, the socket can no longer be shut for this call.
            with self._wake:
                self._guards.pop(token, None)
            if shut and not failed:
                # The call returned just as its deadline passed, and the socket was shut under
                # it: drop the connection, so the next query connects anew instead of failing.
                connection.close()

    def _run(self):
        with self._wake:
            while True:
                now = time.monotonic()
                for token, (deadline, raw, shut) in list(self._guards.items()):
                    if deadline <= now:
                        del self._guards[token]
                        shut.append(True)
                        self._shut(raw)
                self._next = min((d for d, _, _ in self._guards.values()), default=float("inf"))
                self._wake.wait(None if self._next == float("inf") else self._next - now)

    @staticmethod
    def _shut(raw):
        try:
            fd = raw.fileno()
        except Exception:  # closed meanwhile: nothing is waiting on it
            return
        logger.warning("The database did not answer in time; dropping its connection.")
        sock = socket.socket(fileno=os.dup(fd))
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        finally:
            sock.close()  # the duplicate only; psycopg closes its own


watchdog = Watchdog()


# The cache ----------------------------------------------------------------------------------


class CacheCircuit:
    """This process's memory of a failed shared cache. It decides no answer (while it is open the
    site serves as if there were no cache), so keeping it per process is safe."""

    SKIP_SECONDS = 5.0  # how long the cache is left alone after a failure
    LOG_EVERY = 60.0  # at most one warning per this many seconds

    def __init__(self):
        self._failed_at: float | None = None
        self._logged_at: float | None = None

    def is_open(self) -> bool:
        failed = self._failed_at
        return failed is not None and time.monotonic() - failed < self.SKIP_SECONDS

    def failed(self, error: Exception, consequence: str) -> None:
        now = time.monotonic()
        self._failed_at = now
        if self._logged_at is None or now - self._logged_at >= self.LOG_EVERY:
            self._logged_at = now
            logger.warning("The shared cache is unreachable (%s): %s.", error, consequence)

    def succeeded(self) -> None:
        if self._failed_at is not None:
            self._failed_at = None
            logger.info("The shared cache answers again.")


cache_circuit = CacheCircuit()


# /healthz ------------------------------------------------------------------------------------

_probe_lock = threading.Lock()
_probe: threading.Thread | None = None


def health(timeout: float) -> dict[str, str]:
    """{"database": "ok" | "unreachable" | "timeout", "cache": "ok" | "degraded" | "unknown"}
    within ``timeout`` seconds. The checks run in a thread of their own, on a connection of their
    own (a thread's connections are its own), so a frozen server cannot hold the answer; at most
    one such thread runs per process, and the watchdog and connect_timeout end it."""
    global _probe
    result: dict[str, str] = {}

    def run():
        try:
            result.update(_checks())
        finally:
            connections.close_all()  # this thread's only

    with _probe_lock:
        if _probe is not None and _probe.is_alive():
            return {"database": "timeout", "cache": "unknown"}
        _probe = thread = threading.Thread(target=run, name="healthz", daemon=True)
        thread.start()
    thread.join(timeout)
    if thread.is_alive() or "database" not in result:
        return {"database": "timeout", "cache": "unknown"}
    return result


def _checks() -> dict[str, str]:
    database = "ok" if check_database() else "unreachable"
    return {"database": database, "cache": "ok" if check_cache(database == "ok") else "degraded"}


def check_database() -> bool:
    connection = connections["default"]
    try:
        connection.ensure_connection()  # bounded by connect_timeout
        with watchdog.guard(connection, HEALTH_CHECK_SECONDS), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check: the database is unreachable: %s", error)
        return False
    return True


def check_cache(database_ok: bool) -> bool:
    cache = caches["default"]
    if not database_ok and "DatabaseCache" in settings.CACHES["default"]["BACKEND"]:
        return False  # the database cache lives in the database just found unreachable
    try:
        cache.set("healthz", "ok", 30)
        ok = cache.get("healthz") == "ok"
    except (*CACHE_ERRORS, DatabaseError) as error:
        cache_circuit.failed(error, "serving without it")
        return False
    if ok:
        cache_circuit.succeeded()
    return ok
