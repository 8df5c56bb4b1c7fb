"""Settings read the environment through typed helpers that fail loudly."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

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
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
    }
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        settings.cache_config("memcached://localhost")
