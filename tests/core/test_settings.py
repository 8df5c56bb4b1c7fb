"""Settings read the environment through typed helpers that fail loudly."""

import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from dotenv import dotenv_values

from karabakh_site import settings


def load_settings(**env) -> subprocess.CompletedProcess:
    """Import the settings module in a fresh interpreter with exactly these variables."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    clean.pop("CACHE_URL", None)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import karabakh_site.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])",
        ],
        env={**clean, **env},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_start_up_fails_without_a_secret_key_when_debug_is_off():
    result = load_settings(DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert (
        "ImproperlyConfigured: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off"
        in result.stderr
    )


def test_debug_defaults_to_off():
    result = load_settings(DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


def test_sqlite_is_the_default_database():
    result = load_settings(DJANGO_DEBUG="true")
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3"]


@pytest.mark.parametrize(
    "value, expected", [("true", True), ("0", False), ("Off", False), ("", True)]
)
def test_env_bool_reads_the_usual_words(monkeypatch, value, expected):
    monkeypatch.setenv("FLAG", value)
    assert settings.env_bool("FLAG", True) is expected


@pytest.mark.parametrize("value", ["ture", "2", "False!"])
def test_env_bool_refuses_anything_else(monkeypatch, value):
    monkeypatch.setenv("FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="FLAG must be one of"):
        settings.env_bool("FLAG", False)


def test_env_int_refuses_a_word(monkeypatch):
    monkeypatch.setenv("NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="NUMBER must be a whole number"):
        settings.env_int("NUMBER", 1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "example.org, www.example.org,,")
    assert settings.env_list("HOSTS", []) == ["example.org", "www.example.org"]


def test_database_url_selects_postgresql():
    config = settings.database_config("postgres://user:pw@db.example:5433/archive")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 5433, "archive")


def test_postgresqls_jit_is_off_unless_asked_for(monkeypatch):
    # JIT compiled the sources list's count for 840 of its 905 ms (docs/benchmarks.md).
    url = "postgres://user:pw@db.example:5433/archive"
    assert "-c jit=off" in settings.database_config(url)["OPTIONS"]["options"]
    assert "statement_timeout" in settings.database_config(url)["OPTIONS"]["options"]

    monkeypatch.setenv("DATABASE_JIT", "on")
    assert "jit" not in settings.database_config(url)["OPTIONS"]["options"]
    monkeypatch.delenv("DATABASE_JIT")
    # A URL that says what it wants is left alone.
    assert settings.database_config(f"{url}?options=-c%20jit%3Don")["OPTIONS"]["options"] == (
        "-c jit=on -c statement_timeout=3000"
    )


@pytest.mark.django_db
def test_the_connection_runs_without_jit_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_an_unsupported_database_url_is_refused():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        settings.database_config("mysql://root@localhost/archive")


def test_the_default_cache_is_shared_by_every_worker_on_the_database():
    # Not local memory: each gunicorn worker would keep its own throttle counts.
    assert settings.cache_config(None) == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    }
    assert settings.cache_config("locmem://")["BACKEND"].endswith("LocMemCache")


def test_migrate_makes_the_database_cache_table(db):
    from django.core.cache import caches
    from django.db import connection

    assert caches["default"]._table in connection.introspection.table_names()


def test_cache_url_selects_the_backend():
    redis = settings.cache_config("redis://127.0.0.1:6379/1")
    assert redis == {
        "BACKEND": "karabakh_site.core.cache_backend.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    }
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        settings.cache_config("memcached://localhost")


def test_the_redis_cache_builds_one_client_per_pool_not_one_per_call():
    from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

    from karabakh_site.core.cache_backend import RedisCache

    config = settings.cache_config("redis://127.0.0.1:1/0")  # never connected to here
    ours = RedisCache(config["LOCATION"], {"OPTIONS": config["OPTIONS"]})
    assert ours._cache.get_client("a") is ours._cache.get_client("b", write=True)
    assert ours._cache.get_client("a").connection_pool is ours._cache._get_connection_pool(False)
    # What it saves: Django's own builds a client for every operation.
    django = DjangoRedisCache(config["LOCATION"], {"OPTIONS": config["OPTIONS"]})
    assert django._cache.get_client("a") is not django._cache.get_client("a")


# The development .env (`make run` writes it; settings read it with python-dotenv) ------------

SHOW = (
    "import karabakh_site.settings as s; "
    "print(s.DEBUG, s.SECRET_KEY, s.API_CACHE_MAX_AGE, s.DATABASES['default']['ENGINE'])"
)
DEV_FILE = "DJANGO_DEBUG=true\nDJANGO_SECRET_KEY='dev-key-from-the-file'\nAPI_CACHE_MAX_AGE=7\n"


def settings_with(env: dict, cwd=None) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly ``env``."""
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        env=env,
        cwd=cwd or django_settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def bare_environment(**env) -> dict:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    for name in ("DATABASE_URL", "CACHE_URL", "API_CACHE_MAX_AGE", "KARABAKH_ENV_FILE"):
        clean.pop(name, None)
    return {**clean, **env}


def test_an_env_file_gives_every_command_the_development_settings(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(DEV_FILE)

    result = settings_with(bare_environment(KARABAKH_ENV_FILE=str(env_file)))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:3] == ["True", "dev-key-from-the-file", "7"]


def test_the_real_environment_wins_over_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(DEV_FILE)

    result = settings_with(
        bare_environment(
            KARABAKH_ENV_FILE=str(env_file),
            API_CACHE_MAX_AGE="5",
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY="the-real-key",
        )
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:3] == ["False", "the-real-key", "5"]


def test_with_debug_off_for_real_the_env_files_key_does_not_start_production(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(DEV_FILE)

    result = settings_with(bare_environment(KARABAKH_ENV_FILE=str(env_file), DJANGO_DEBUG="false"))

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_an_env_file_beside_manage_py_cannot_change_the_suites_settings(tmp_path):
    # A checkout of its own (a copy of the settings with a .env beside it), so the test neither
    # reads nor writes a developer's real .env.
    package = tmp_path / "karabakh_site"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text(
        (django_settings.BASE_DIR / "karabakh_site" / "settings.py").read_text()
    )
    (tmp_path / ".env").write_text(DEV_FILE + "DATABASE_URL=postgres://nobody@db.invalid/x\n")
    suite = {**os.environ, "PYTHONPATH": str(tmp_path)}

    as_the_suite = settings_with(suite, cwd=tmp_path)
    without_the_guard = settings_with(
        {k: v for k, v in suite.items() if k != "KARABAKH_ENV_FILE"}, cwd=tmp_path
    )

    assert os.environ["KARABAKH_ENV_FILE"] == ""
    assert as_the_suite.returncode == 0, as_the_suite.stderr
    assert as_the_suite.stdout.split() == [
        str(django_settings.DEBUG),
        django_settings.SECRET_KEY,
        str(django_settings.API_CACHE_MAX_AGE),
        django_settings.DATABASES["default"]["ENGINE"],
    ]
    # The same copy, without the suite's KARABAKH_ENV_FILE, reads the file, so the check above can
    # fail; what the suite's environment sets for real still wins over the file.
    engine = "django.db.backends.postgresql"
    if "DATABASE_URL" in os.environ:
        engine = django_settings.DATABASES["default"]["ENGINE"]
    assert without_the_guard.returncode == 0, without_the_guard.stderr
    assert without_the_guard.stdout.split()[2:] == [
        os.environ.get("API_CACHE_MAX_AGE", "7"),
        engine,
    ]


@pytest.mark.skipif(not shutil.which("make"), reason="needs make")
def test_make_run_writes_the_env_file_once_with_the_kept_admin_password(tmp_path):
    base = django_settings.BASE_DIR
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt"):
        shutil.copy(base / name, tmp_path / name)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to(sys.executable)
    (tmp_path / ".venv" / ".installed").touch()  # installed: make does not run pip
    (tmp_path / ".demo-admin-password").write_text("kept-password\n")
    environment = bare_environment()
    environment.pop("DEMO_ADMIN_PASSWORD", None)

    subprocess.run(["make", "-s", ".env"], cwd=tmp_path, env=environment, check=True,
                   capture_output=True)  # fmt: skip
    written = (tmp_path / ".env").read_text()
    subprocess.run(["make", "-s", ".env"], cwd=tmp_path, env=environment, check=True,
                   capture_output=True)  # fmt: skip

    assert (tmp_path / ".env").read_text() == written
    assert (tmp_path / ".env").stat().st_mode & 0o077 == 0
    values = dotenv_values(tmp_path / ".env")
    assert values["DJANGO_DEBUG"] == "true"
    assert values["DEMO_ADMIN_PASSWORD"] == "kept-password"
    assert len(values["DJANGO_SECRET_KEY"]) >= 50
    result = settings_with(bare_environment(KARABAKH_ENV_FILE=str(tmp_path / ".env")))
    assert result.stdout.split()[:2] == ["True", values["DJANGO_SECRET_KEY"]]
