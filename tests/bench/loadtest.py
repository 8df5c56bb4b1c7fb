"""Load test (`make loadtest`): wrk against gunicorn over PostgreSQL, as `make serve` runs it.

Creates a throwaway PostgreSQL database (karabakh_loadtest, dropped at the end), migrates it and
loads the demo archive, serves it with gunicorn (DEBUG off, 2 workers, the settings `make serve`
exports) on a port of its own, warms every URL up, then drives LOADTEST_CONNECTIONS connections
(64) for LOADTEST_DURATION seconds (60) in all, split evenly over the main pages and API lists
(two seconds each at least): one wrk run per URL, so each gets its own requests/s, errors and
p50/p99. Worker memory (RSS from /proc) is read before and after. Exits non-zero when any request failed (a socket error, a
timeout or a status outside 2xx/3xx), a worker was replaced, or a worker's memory grew by 20% or
more. The figures are in docs/benchmarks.md ("Load test"). Not collected by pytest.

Environment: DATABASE_URL (a postgres:// URL: its server and user are used, not its database;
default postgres://postgres@127.0.0.1:5432), LOADTEST_DURATION, LOADTEST_CONNECTIONS,
LOADTEST_PORT (18501), LOADTEST_WORKERS (2), LOADTEST_TIMEOUT (wrk's per-request timeout, 10 s).
"""

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DATABASE = "karabakh_loadtest"
MEMORY_GROWTH_LIMIT = 0.20

PAGES = ["/en/", "/en/articles/", "{article}", "/en/timeline/", "{event}", "/en/faq/",
         "/en/search/?q=Shusha", "/en/sources/"]  # fmt: skip
API = ["/api/v1/articles/", "/api/v1/timeline/", "/api/v1/faq/", "/api/v1/sources/"]

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


def ensure_wrk() -> str:
    """wrk from Debian's packages: installed with apt when missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is not installed: run `apt-get install wrk` as root, then make loadtest.")
    print("== installing wrk (apt-get install wrk)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "wrk"]
    if subprocess.run(install, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
        subprocess.run(install, env=env, check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or sys.exit("apt-get install wrk did not install wrk.")


def database_urls() -> tuple[str, str]:
    """The throwaway database's URL and the maintenance database's on the same server."""
    base = os.environ.get("DATABASE_URL", "").strip() or "postgres://postgres@127.0.0.1:5432/"
    parts = urlsplit(base)
    if parts.scheme not in {"postgres", "postgresql"}:
        sys.exit(f"The load test runs on PostgreSQL: DATABASE_URL must be postgres://, got {base}.")
    return (
        urlunsplit(parts._replace(path=f"/{DATABASE}", query="")),
        urlunsplit(parts._replace(path="/postgres", query="")),
    )


def admin_sql(maintenance_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        connection.execute(statement)


def server_env(database_url: str) -> dict:
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
    }


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True, text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )  # fmt: skip
    return result.stdout or ""


def demo_urls(env: dict) -> list[str]:
    """The main pages and API lists, with the demo's first article and timeline entry."""
    code = (
        "from articles.models import Article; from timeline.models import TimelineEntry; "
        "print(Article.objects.published().order_by('id').first().get_absolute_url()); "
        "print(TimelineEntry.objects.published().order_by('id').first().get_absolute_url())"
    )
    article, event = manage(env, "shell", "--no-imports", "-c", code, capture=True).split()
    return [url.format(article=article, event=event) for url in PAGES] + API


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    for _ in range(120):
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode} before it answered.")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=30):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    sys.exit("gunicorn did not answer /healthz within 60 s.")


def warm_up(base: str, urls: list[str]) -> None:
    """Every worker imports, compiles templates and fills its caches before memory is read."""
    for url in urls:
        for _ in range(20):
            try:
                with urllib.request.urlopen(base + url, timeout=30) as response:
                    response.read()
            except urllib.error.HTTPError as error:
                sys.exit(f"Warm-up: {url} answered {error.code}; nothing to measure.")


def run_wrk(wrk: str, script: Path, url: str, *, seconds: int, connections: int, timeout: int):
    threads = min(2, connections)
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", f"--timeout={timeout}s",
               "--latency", "-s", str(script), url]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> int:
    duration = env_int("LOADTEST_DURATION", 60)
    connections = env_int("LOADTEST_CONNECTIONS", 64)
    port = env_int("LOADTEST_PORT", 18501)
    workers = env_int("LOADTEST_WORKERS", 2)
    timeout = env_int("LOADTEST_TIMEOUT", 10)
    wrk = ensure_wrk()
    database_url, maintenance_url = database_urls()
    base = f"http://127.0.0.1:{port}"
    env = server_env(database_url)
    tmp = Path(tempfile.mkdtemp(prefix="karabakh-loadtest-"))
    script = tmp / "report.lua"
    script.write_text(WRK_REPORT)

    admin_sql(maintenance_url, f"DROP DATABASE IF EXISTS {DATABASE}")
    admin_sql(maintenance_url, f"CREATE DATABASE {DATABASE}")
    server = None
    log = open(tmp / "gunicorn.log", "w")  # noqa: SIM115 (open for the server's whole life)
    try:
        print(f"== {DATABASE}: migrate, load_demo, collectstatic", flush=True)
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        urls = demo_urls(env)
        print(f"== gunicorn, {workers} workers, on {base}", flush=True)
        server = subprocess.Popen(
            [str(GUNICORN), "karabakh_site.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        wait_until_up(base, server)
        warm_up(base, urls)
        pids = worker_pids(server.pid)
        before = {pid: rss_kib(pid) for pid in pids}

        # Below two seconds a slow page may finish no request at all in its window.
        seconds = max(2, round(duration / len(urls)))
        print(
            f"== wrk: {connections} connections, {seconds} s per URL, {len(urls)} URLs", flush=True
        )
        header = f"{'URL':<52} {'req/s':>8} {'non-2xx/3xx':>11} {'socket':>6} {'p50 ms':>8} {'p99 ms':>8}"
        print(header)
        failed = 0
        total_requests = 0
        problems = []
        for url in urls:
            result = run_wrk(
                wrk, script, base + url, seconds=seconds, connections=connections, timeout=timeout
            )
            socket_errors = sum(result[k] for k in ("connect", "read", "write", "timeout"))
            failed += socket_errors + result["status"]
            total_requests += result["requests"]
            if not result["requests"]:
                problems.append(f"{url}: no request finished in {seconds} s")
            rate = result["requests"] / (result["duration_us"] / 1e6)
            print(
                f"{url:<52} {rate:>8.1f} {result['status']:>11} {socket_errors:>6} "
                f"{result['p50_us'] / 1000:>8.1f} {result['p99_us'] / 1000:>8.1f}",
                flush=True,
            )
            # gunicorn still answers the requests queued when wrk stopped; the next URL's run
            # starts once they are done, so it is not charged for them.
            wait_until_up(base, server)

        after_pids = worker_pids(server.pid)
        print(f"\n{total_requests} requests, {failed} failed")
        if failed:
            problems.append(f"{failed} requests failed")
        if after_pids != pids:
            problems.append(f"workers were replaced ({pids} -> {after_pids}): see gunicorn's log")
        print(f"{'worker':<10} {'RSS before MiB':>14} {'after MiB':>10} {'growth':>7}")
        for pid in pids:
            if pid not in after_pids:
                continue
            now = rss_kib(pid)
            growth = (now - before[pid]) / before[pid]
            print(f"{pid:<10} {before[pid] / 1024:>14.1f} {now / 1024:>10.1f} {growth:>7.1%}")
            if growth >= MEMORY_GROWTH_LIMIT:
                problems.append(f"worker {pid} memory grew {growth:.1%} (limit 20%)")
        for problem in problems:
            print(f"FAIL: {problem}", file=sys.stderr)
        if problems:
            print((tmp / "gunicorn.log").read_text()[-4000:], file=sys.stderr)
        return 1 if problems else 0
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        log.close()
        admin_sql(maintenance_url, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
