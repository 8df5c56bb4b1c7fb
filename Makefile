# The two commands the README promises: `make run` and `make test`. Both set everything up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Stamp files make setup steps run once, and again only when their inputs change.
INSTALLED := $(VENV)/.installed

.PHONY: run test serve bench loadtest lint migrate demo install clean messages

$(INSTALLED): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(INSTALLED)

# The interface in Armenian, Azerbaijani and Russian: the .po catalogues are in the repo
# (karabakh_site/locale), compiled here to the .mo files Django reads. Babel compiles them in
# Python, so no GNU gettext is needed to build; `make messages` after editing a catalogue.
PO_FILES := $(wildcard karabakh_site/locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

%.mo: %.po | $(INSTALLED)
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@

messages: $(MO_FILES)

# The development settings every manage.py command reads after `make run` (settings.py loads
# .env with python-dotenv; the real environment wins): debug on, a generated secret key and the
# demo admin password (the one an earlier run kept in .demo-admin-password, if any). Written once
# and then left alone, so the key and the password stay the same and a developer's edits stay.
ENV_FILE := .env

$(ENV_FILE): | $(INSTALLED)
	@umask 077 && $(PY) -c 'import os, pathlib, secrets; \
	kept = pathlib.Path(".demo-admin-password"); \
	password = os.environ.get("DEMO_ADMIN_PASSWORD") or (kept.read_text().strip() if kept.exists() else "") or secrets.token_urlsafe(12); \
	quote = lambda value: "\x27" + value.replace("\\", "\\\\").replace("\x27", "\\\x27") + "\x27"; \
	print("# Development settings for manage.py, written by make run (git-ignored). The real environment wins."); \
	print("DJANGO_DEBUG=true"); \
	print("DJANGO_SECRET_KEY=" + quote("django-insecure-dev-" + secrets.token_urlsafe(40))); \
	print("DEMO_ADMIN_PASSWORD=" + quote(password))' > $@.tmp && mv $@.tmp $@
	@echo "Wrote $@: development settings for manage.py (debug on, a dev secret key, the admin password)."

# Development server: DEBUG on, demo content, an admin login printed at the end.
run: export DJANGO_DEBUG ?= true
run: install messages $(ENV_FILE)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py ensure_admin --site-url http://127.0.0.1:$(PORT)
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The browser tests' page checkers (axe-core, the Nu HTML checker), installed when npm exists.
NODE_DEPS := $(if $(shell command -v npm 2>/dev/null),node_modules/.installed)

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

test: install messages $(NODE_DEPS)
	$(PY) -m pytest $(PYTEST_ARGS)

# A production-like server over the same database as `make run`: gunicorn, DEBUG off, static
# files collected and served by whitenoise, on plain http at 127.0.0.1:$(PORT). Without
# DJANGO_SECRET_KEY a random key is generated once into .secret-key (git-ignored).
SECRET_KEY_FILE := .secret-key

$(SECRET_KEY_FILE):
	@umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

serve: export DJANGO_DEBUG = false
serve: export DJANGO_SECURE_SSL_REDIRECT = false
serve: export DJANGO_SECURE_COOKIES = false
serve: export DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve: install messages $(if $(DJANGO_SECRET_KEY),,$(SECRET_KEY_FILE))
	@export DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat $(SECRET_KEY_FILE))}" && \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py collectstatic --noinput --verbosity 0 && \
	exec $(VENV)/bin/gunicorn karabakh_site.wsgi --bind 127.0.0.1:$(PORT) \
		--workers $${WEB_CONCURRENCY:-3} --access-logfile -

# Speed against Django's own ceiling (docs/benchmarks.md): a synthetic archive in a throwaway
# PostgreSQL database, gunicorn as make serve runs it, wrk, warm and cold; writes the figures to
# docs/benchmarks.md. BENCH_ARGS="--smoke" for CI, "--scale target --strict", "--growth".
bench: install messages
	$(PY) tests/bench/bench.py $(BENCH_ARGS)

# wrk against gunicorn (2 workers, DEBUG off, make serve's settings) over a throwaway PostgreSQL
# database: 64 connections for 60 s over the main pages and API lists (LOADTEST_DURATION,
# LOADTEST_CONNECTIONS); fails on any error or 20% worker memory growth (docs/benchmarks.md).
loadtest: install messages
	$(PY) tests/bench/loadtest.py

# Faults check (docs/operations.md): a PostgreSQL and a Redis of its own (never the machine's)
# stopped, restarted and frozen under gunicorn; prints each answer's time, non-zero on a miss.
.PHONY: faults
faults: install messages
	$(PY) tests/faults/faults.py $(FAULTS_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
