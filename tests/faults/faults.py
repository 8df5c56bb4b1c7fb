"""The faults check (`make faults`): what readers, API clients and load balancers get while Redis
or PostgreSQL is stopped or frozen, and whether the site recovers with no restart.

Starts services of its own, on ports of its own, in a temporary directory: a PostgreSQL cluster
(initdb with the machine's PostgreSQL binaries, run as the postgres user when this runs as root),
a redis-server, and gunicorn with `make serve`'s settings (DEBUG off, 2 workers). The machine's
shared PostgreSQL (5432) and Redis (6379) are never touched. Then, in turn: Redis stopped and
back; Redis frozen with SIGSTOP and thawed; PostgreSQL stopped and back; PostgreSQL frozen with
SIGSTOP (every process of the cluster, as a paused VM or a hung disk would) and thawed with
SIGCONT. Prints each answer and its time, and exits non-zero when a target (docs/operations.md)
is missed. Not collected by pytest.
"""

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PY = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

# Targets, in seconds (docs/operations.md).
PAGE_TARGET = 5.0  # pages and API: an answer within this (a 503 while the database is out)
HEALTH_TARGET = 2.0  # /healthz: an answer within this
RECOVERY_TARGET = 15.0  # back to 200 after the service returns, with no restart

PAGES = ["/en/", "/en/articles/", "/en/timeline/", "/api/v1/articles/", "/api/v1/timeline/"]


def pg_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts)
    if not versions:
        sys.exit("No PostgreSQL binaries under /usr/lib/postgresql (apt-get install postgresql).")
    return versions[-1].parent


def as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def ensure_redis() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("redis-server is missing (apt-get install redis-server).")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "redis-server"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("redis-server") or sys.exit("redis-server did not install.")


class Services:
    def __init__(self, tmp: Path, web_port: int, pg_port: int, redis_port: int):
        self.tmp, self.web_port, self.pg_port, self.redis_port = tmp, web_port, pg_port, redis_port
        self.bin = pg_bin()
        self.data = tmp / "pg"
        self.redis: subprocess.Popen | None = None
        self.web: subprocess.Popen | None = None
        self.frozen: list[int] = []
        self.base = f"http://127.0.0.1:{web_port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg_port}/karabakh_faults",
            "CACHE_URL": f"redis://127.0.0.1:{redis_port}/0",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            "KARABAKH_ENV_FILE": "",
            # The check sends a few hundred requests from one address; the throttle is not its
            # subject (tests/site/test_faults.py covers it degrading).
            "API_ANON_THROTTLE_RATE": "1000000/minute",
        }

    # PostgreSQL
    def pg_init(self):
        self.data.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.tmp, "postgres")
            shutil.chown(self.data, "postgres")
        subprocess.run(
            as_postgres([str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U",
                         "postgres", "--no-sync"]),
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        self.pg_start()
        subprocess.run(
            as_postgres([str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port),
                         "-U", "postgres", "karabakh_faults"]),
            check=True,
        )  # fmt: skip

    def pg_ctl(self, *args: str):
        subprocess.run(
            as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), *args]),
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def pg_start(self):
        options = f"-p {self.pg_port} -k {self.tmp} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.pg_ctl("-o", options, "-l", str(self.tmp / "pg.log"), "-w", "start")

    def pg_stop(self):
        self.pg_ctl("-m", "fast", "-w", "stop")

    def pg_pids(self) -> list[int]:
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(postmaster)], capture_output=True, text=True
        ).stdout.split()
        return [postmaster, *map(int, children)]

    def pg_freeze(self):
        self.frozen = self.pg_pids()
        for pid in self.frozen:
            with contextlib.suppress(ProcessLookupError):  # a backend that just ended
                os.kill(pid, signal.SIGSTOP)

    def pg_thaw(self):
        for pid in self.frozen:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        self.frozen = []

    # Redis
    def redis_start(self):
        self.redis = subprocess.Popen(
            [ensure_redis(), "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.tmp)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(lambda: _redis_answers(self.redis_port), 10, "Redis did not start")

    def redis_stop(self):
        if self.redis:
            self.redis.terminate()
            self.redis.wait(10)
            self.redis = None

    # The site
    def manage(self, *args: str):
        subprocess.run([str(PY), "manage.py", *args], cwd=ROOT, env=self.env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip

    def web_start(self):
        self.web_log = open(self.tmp / "gunicorn.log", "w")  # noqa: SIM115 (open while it runs)
        self.web = subprocess.Popen(
            [str(GUNICORN), "karabakh_site.wsgi", "--bind", f"127.0.0.1:{self.web_port}",
             "--workers", "2", "--timeout", "30"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
            stderr=self.web_log,
        )  # fmt: skip
        wait_for(lambda: _status(self.base + "/healthz") == 200, 30, "gunicorn did not start")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.web.pid)],
                             capture_output=True, text=True).stdout  # fmt: skip
        return sorted(map(int, out.split()))

    def stop_all(self):
        self.pg_thaw()
        if self.web:
            self.web.terminate()
            try:
                self.web.wait(15)
            except subprocess.TimeoutExpired:
                self.web.kill()
        self.redis_stop()
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self.pg_ctl("-m", "immediate", "-w", "stop")


def _redis_answers(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _status(url: str) -> int | None:
    try:
        return httpx.get(url, timeout=5).status_code
    except httpx.HTTPError:
        return None


def wait_for(check, seconds: float, message: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if check():
            return time.monotonic() - started
        time.sleep(0.25)
    raise SystemExit(message)


@dataclass
class Row:
    phase: str
    path: str
    status: str
    seconds: float
    note: str
    ok: bool
    extra: dict = field(default_factory=dict)


class Check:
    def __init__(self, base: str, repeat: int):
        self.base, self.repeat, self.rows = base, repeat, []

    def probe(self, phase: str, path: str, *, expect: int, within: float, cache=None, retry=False):
        """`repeat` requests (sync workers are not round-robin; several reach both); the
        slowest counts."""
        worst, statuses, notes, ok = 0.0, [], set(), True
        for _ in range(self.repeat):
            started = time.monotonic()
            try:
                response = httpx.get(self.base + path, timeout=30)
                status = response.status_code
            except httpx.HTTPError as error:
                response, status = None, type(error).__name__
            took = time.monotonic() - started
            worst = max(worst, took)
            statuses.append(str(status))
            good = status == expect and took <= within
            if response is not None and retry:
                after = response.headers.get("Retry-After")
                notes.add(f"Retry-After {after}" if after else "no Retry-After")
                good = good and bool(after)
            if response is not None and path == "/healthz":
                body = response.json()
                notes.add(f"db {body.get('database')}, cache {body.get('cache')}")
                good = good and (cache is None or body.get("cache") == cache)
            ok = ok and good
        status = "/".join(sorted(set(statuses)))
        target = f"{expect} in {within:g}s" + (f", cache {cache}" if cache else "")
        self.rows.append(Row(phase, path, status, worst, "; ".join(sorted(notes)) or "-",
                             ok, {"target": target}))  # fmt: skip

    def all(self, phase, *, expect, cache=None):
        # Speed while all is well is make bench's and make loadtest's subject; here the bound is
        # the one a reader or a load balancer would give up at.
        for path in PAGES:
            self.probe(phase, path, expect=expect, within=PAGE_TARGET, retry=expect == 503)
        self.probe(phase, "/healthz", expect=expect, within=HEALTH_TARGET, cache=cache)

    def note(self, phase: str, what: str, seconds: float, ok: bool, target: str):
        self.rows.append(Row(phase, what, "-", seconds, "-", ok, {"target": target}))

    def report(self) -> bool:
        widths = (22, 20, 8, 8, 20, 34)
        head = ("phase", "request", "status", "slowest", "target", "notes")
        line = "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))
        print(line + "  result")
        print("-" * (len(line) + 8))
        for r in self.rows:
            cells = (r.phase, r.path, r.status, f"{r.seconds:.2f}s", r.extra["target"], r.note)
            print("  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)),
                  " ok" if r.ok else " MISSED")  # fmt: skip
        return all(r.ok for r in self.rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=18201, help="gunicorn; +1 PostgreSQL, +2 Redis")
    parser.add_argument("--repeat", type=int, default=4, help="requests per URL and phase")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="karabakh-faults-"))
    services = Services(tmp, args.port, args.port + 1, args.port + 2)
    check = Check(services.base, args.repeat)
    try:
        print(f"== services in {tmp}: gunicorn :{args.port}, PostgreSQL :{args.port + 1}, "
              f"Redis :{args.port + 2}", flush=True)  # fmt: skip
        services.pg_init()
        services.redis_start()
        services.manage("migrate", "--noinput", "-v0")
        services.manage("load_demo")
        services.web_start()
        workers = services.worker_pids()

        print("== all up", flush=True)
        check.all("all up", expect=200, cache="ok")

        print("== Redis stopped", flush=True)
        services.redis_stop()
        check.all("Redis stopped", expect=200, cache="degraded")
        print("== Redis back", flush=True)
        services.redis_start()
        took = wait_for(lambda: _cache_ok(services.base), 60, "the cache never came back")
        check.note("Redis back", "healthz cache ok after", took, took <= RECOVERY_TARGET,
                   f"<= {RECOVERY_TARGET:g}s")  # fmt: skip
        check.all("Redis back", expect=200, cache="ok")

        print("== Redis frozen (SIGSTOP)", flush=True)
        os.kill(services.redis.pid, signal.SIGSTOP)
        try:
            check.all("Redis frozen", expect=200, cache="degraded")
        finally:
            os.kill(services.redis.pid, signal.SIGCONT)
        took = wait_for(lambda: _cache_ok(services.base), 60, "the cache never came back")
        check.note("Redis thawed", "healthz cache ok after", took, took <= RECOVERY_TARGET,
                   f"<= {RECOVERY_TARGET:g}s")  # fmt: skip

        print("== PostgreSQL stopped", flush=True)
        services.pg_stop()
        check.all("PostgreSQL stopped", expect=503)
        print("== PostgreSQL back", flush=True)
        services.pg_start()
        took = wait_for(lambda: _status(services.base + "/healthz") == 200, 60, "no recovery")
        check.note("PostgreSQL back", "healthz 200 after", took, took <= RECOVERY_TARGET,
                   f"<= {RECOVERY_TARGET:g}s")  # fmt: skip
        check.all("PostgreSQL back", expect=200, cache="ok")

        print("== PostgreSQL frozen (SIGSTOP)", flush=True)
        services.pg_freeze()
        check.all("PostgreSQL frozen", expect=503)
        print("== PostgreSQL thawed (SIGCONT)", flush=True)
        services.pg_thaw()
        took = wait_for(lambda: _status(services.base + "/healthz") == 200, 60, "no recovery")
        check.note("PostgreSQL thawed", "healthz 200 after", took, took <= RECOVERY_TARGET,
                   f"<= {RECOVERY_TARGET:g}s")  # fmt: skip
        check.all("PostgreSQL thawed", expect=200, cache="ok")

        same = services.worker_pids() == workers and services.web.poll() is None
        check.note("end", "same gunicorn workers", 0.0, same, "no restart")
    finally:
        services.stop_all()
        passed = check.report()
        if args.json:
            args.json.write_text(json.dumps([r.__dict__ for r in check.rows], indent=2))
        log = tmp / "gunicorn.log"
        if not passed and log.exists():
            print("\n-- gunicorn log (last 40 lines)")
            print("\n".join(log.read_text().splitlines()[-40:]))
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if passed else 1


def _cache_ok(base: str) -> bool:
    try:
        return httpx.get(base + "/healthz", timeout=5).json().get("cache") == "ok"
    except (httpx.HTTPError, ValueError):
        return False


if __name__ == "__main__":
    sys.exit(main())
