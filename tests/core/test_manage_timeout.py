"""manage.py runs its commands (migrations, imports, the demo loader) without the web processes'
3 s statement timeout, unless one is set explicitly; runserver keeps it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "from django.conf import settings; "
    "print(settings.DATABASES['default'].get('OPTIONS', {}).get('options', ''))"
)


def options_seen(*env_pairs):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_STATEMENT_TIMEOUT_MS"}
    env.update(DATABASE_URL="postgres://nobody@127.0.0.1:1/none", DJANGO_DEBUG="true")
    env.update(env_pairs)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize(
    "env, expected",
    [
        # (JIT is off for every connection: karabakh_site.settings.database_config.)
        ((), "-c jit=off"),
        ((("DATABASE_STATEMENT_TIMEOUT_MS", "5000"),), "-c statement_timeout=5000 -c jit=off"),
    ],
)
def test_commands_run_without_the_web_statement_timeout_unless_set(env, expected):
    assert options_seen(*env) == expected
