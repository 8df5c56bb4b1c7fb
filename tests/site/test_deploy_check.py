"""`check --deploy --fail-level WARNING` with the production environment the README documents
(the first sh block under "Running in production"), run in a fresh process as a deployment
would start."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def documented_environment() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Running in production\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)
    env = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", block, re.MULTILINE))
    # The one placeholder: the key itself is never written down.
    assert env["DJANGO_SECRET_KEY"].startswith("<")
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    # Only what a server's environment would hold: none of the suite's test settings.
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, "KARABAKH_ENV_FILE": "", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_documented_production_environment_passes_the_deploy_check():
    result = deploy_check(documented_environment())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_documented_environment_sets_hsts_with_subdomains_and_preload():
    env = documented_environment()

    assert int(env["DJANGO_HSTS_SECONDS"]) >= 31536000
    assert env["DJANGO_HSTS_INCLUDE_SUBDOMAINS"] == env["DJANGO_HSTS_PRELOAD"] == "true"


def test_hsts_without_subdomains_and_preload_is_reported_and_the_variables_fix_it():
    env = documented_environment()
    env.pop("DJANGO_HSTS_INCLUDE_SUBDOMAINS")
    env.pop("DJANGO_HSTS_PRELOAD")

    result = deploy_check(env)

    assert result.returncode != 0
    assert "security.W005" in result.stderr and "security.W021" in result.stderr


def test_without_hsts_the_check_fails_on_w004():
    env = documented_environment()
    for name in ("DJANGO_HSTS_SECONDS", "DJANGO_HSTS_INCLUDE_SUBDOMAINS", "DJANGO_HSTS_PRELOAD"):
        env.pop(name)

    result = deploy_check(env)

    assert result.returncode != 0
    assert "security.W004" in result.stderr
