"""What `make bench` and `make loadtest` share: a throwaway PostgreSQL database, gunicorn run
as `make serve` runs it, wrk and its JSON report, worker memory from /proc.

Only the standard library at import time (psycopg is imported where a database is made), so the
scripts that import this run before Django is set up, and each server gets its own environment.
"""

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/"

# wrk's own summary as one JSON line, so nothing depends on its human-readable output.
WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, '
    .. '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""
SOCKET_ERRORS = ("connect", "read", "write", "timeout")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        sys.exit(f"{name} must be a whole number, got {value!r}.")
    if number < 1:
        sys.exit(f"{name} must be at least 1, got {number}.")
    return number


def ensure_wrk(command: str = "make loadtest") -> str:
    """wrk from Debian's packages: installed with apt when missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit(f"wrk is not installed: run `apt-get install wrk` as root, then {command}.")
    print("== installing wrk (apt-get install wrk)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Another apt run (unattended upgrades, a neighbour's install) holds the lock for a while:
    # wait for it rather than fail.
    apt = ["apt-get", "-o", "DPkg::Lock::Timeout=300"]
    install = [*apt, "install", "-y", "-qq", "wrk"]
    if subprocess.run(install, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run([*apt, "update", "-qq"], env=env, check=True)
        subprocess.run(install, env=env, check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or sys.exit("apt-get install wrk did not install wrk.")


def database_urls(database: str, what: str = "The load test") -> tuple[str, str]:
    """The throwaway database's URL and the maintenance database's, on DATABASE_URL's server
    with its user (its own database name is not used)."""
    base = os.environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    parts = urlsplit(base)
    if parts.scheme not in {"postgres", "postgresql"}:
        sys.exit(f"{what} runs on PostgreSQL: DATABASE_URL must be postgres://, got {base}.")
    return (
        urlunsplit(parts._replace(path=f"/{database}", query="")),
        urlunsplit(parts._replace(path="/postgres", query="")),
    )


def admin_sql(maintenance_url: str, statement: str) -> list:
    import psycopg

    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchall() if cursor.description else []


def server_env(database_url: str, **extra: str) -> dict:
    # What `make serve` exports, plus a throttle high enough that the load is not refused: the
    # throttle is measured by its own tests, not here.
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "API_ANON_THROTTLE_RATE": "100000000/minute",
        # A developer's .env (debug on) must not change what is measured.
        "KARABAKH_ENV_FILE": "",
        **extra,
    }


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True, text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )  # fmt: skip
    return result.stdout or ""


def start_gunicorn(app: str, port: int, workers: int, env: dict, log, *extra: str):
    """gunicorn as `make serve` starts it (sync workers, no config file), on a port of its own.
    No access log: writing a line per request would be measured too. No control socket: gunicorn
    27 puts every server's at the same path (~/.gunicorn/gunicorn.ctl), so a second server on the
    machine (a developer's `make serve`, the bench's ceiling) would take over the first's."""
    return subprocess.Popen(
        [str(GUNICORN), app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--no-control-socket", *extra],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip


def stop_server(server) -> None:
    if server is None or server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def wait_until_up(base: str, server: subprocess.Popen, path: str = "/healthz") -> None:
    for _ in range(120):
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode} before it answered.")
        try:
            with urllib.request.urlopen(base + path, timeout=30):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    sys.exit(f"gunicorn did not answer {path} within 60 s.")


def run_wrk(wrk: str, script: Path, url: str, *, seconds: int, connections: int, timeout: int,
            threads: int = 2) -> dict:  # fmt: skip
    threads = min(threads, connections)
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", f"--timeout={timeout}s",
               "--latency", "-s", str(script), url]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["socket_errors"] = sum(result[k] for k in SOCKET_ERRORS)
    result["rate"] = result["requests"] / (result["duration_us"] / 1e6)
    return result
