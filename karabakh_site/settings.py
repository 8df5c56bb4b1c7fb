"""Django settings for Karabakh Archive.

Everything that differs between machines comes from environment variables, read through the
typed helpers below. They fail loudly: a value they cannot read stops start-up with an
ImproperlyConfigured error naming the variable, instead of silently falling back to a default.
Every variable is documented in README.md.

A development checkout also has a git-ignored .env beside manage.py (`make run` writes it: debug
on, a generated secret key, the demo admin password), read here with python-dotenv so every
manage.py command works without typing them. The real environment wins over the file, and with
debug off the secret key must come from the real environment: a stray .env never makes a
production server start.
"""

import datetime
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# KARABAKH_ENV_FILE names another file, or is empty for none: the test suite sets it empty
# (pyproject.toml), so a developer's .env cannot change what the tests run with.
ENV_FILE = os.environ.get("KARABAKH_ENV_FILE", str(BASE_DIR / ".env"))
_REAL_ENVIRONMENT = frozenset(os.environ)
if ENV_FILE:
    # override=False: a variable set in the real environment keeps its value.
    load_dotenv(ENV_FILE, override=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean; anything but a recognised true/false word is an error."""
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of true/false/1/0/yes/no/on/off, got {value!r}."
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blank items are dropped."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_config(url: str | None) -> dict:
    """A SQLite file beside manage.py when DATABASE_URL is unset, otherwise the URL's database."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {error}") from None
    if config.get("ENGINE") not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise ImproperlyConfigured(
            "DATABASE_URL must be a postgres:// or sqlite:// URL; "
            f"{config.get('ENGINE')!r} is not supported."
        )
    if config["ENGINE"] == "django.db.backends.postgresql":
        # A stopped or hung server must cost a request seconds, not gunicorn's 30 s timeout
        # (core.faults then answers 503). connect_timeout bounds a new connection (psycopg waits
        # at least 2 s); statement_timeout makes a live server cancel a stuck query, and
        # core.faults shuts a query's socket a second after it when the server is frozen and
        # cannot. Values in the URL's query string (?connect_timeout=, ?options=) win.
        options = config.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 2))
        statement_ms = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 3000)
        if statement_ms > 0 and "statement_timeout" not in options.get("options", ""):
            extra = f"-c statement_timeout={statement_ms}"
            options["options"] = f"{options['options']} {extra}" if "options" in options else extra
        # PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost, which the
        # sources list's count (an EXISTS per citation table) does at a few thousand sources:
        # 840 of its 905 ms went to compiling, for a query that then ran in 65. Pages run short
        # queries, where compiling never pays. DATABASE_JIT=on leaves the server's setting.
        if not env_bool("DATABASE_JIT", False) and "jit" not in options.get("options", ""):
            extra = "-c jit=off"
            options["options"] = f"{options['options']} {extra}" if "options" in options else extra
    return config


def cache_config(url: str | None) -> dict:
    """The database cache when CACHE_URL is unset; redis://, rediss://, locmem:// or dummy://
    otherwise. The default is shared by every worker and instance on the same database (throttle
    counts must be), unlike local memory, which each process keeps for itself. Its table is made
    by `migrate` (see core.apps)."""
    if not url:
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    parts = urlsplit(url)
    if parts.scheme in {"redis", "rediss"}:
        config = {
            "BACKEND": "karabakh_site.core.cache_backend.RedisCache",
            "LOCATION": url,
            # A dead or hung Redis must cost a request little: the site serves without it
            # (core.faults), so a quick failure beats redis-py's default of waiting forever.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
        timeout = parse_qs(parts.query).get("timeout")
        if timeout:
            config["TIMEOUT"] = int(timeout[0])
        return config
    if parts.scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": parts.netloc,
        }
    if parts.scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, rediss://, locmem:// or dummy://, got {url!r}."
    )


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not DEBUG and "DJANGO_SECRET_KEY" not in _REAL_ENVIRONMENT:
    # The .env key is a development key: with debug off (production, make serve) it does not count.
    SECRET_KEY = ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "Set it to a long random string (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    # Only a development server (DEBUG on) ever runs with this key.
    SECRET_KEY = "django-insecure-development-only-key"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Django's admin with the archive's site (its name, the editorial guide).
    "karabakh_site.core.admin_app.ArchiveAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "simple_history",
    # Login protection: failed admin logins counted per user and address (see "Login
    # protection" below).
    "axes",
    "karabakh_site.core",
    "articles",
    "faq",
    "timeline",
]

MIDDLEWARE = [
    "karabakh_site.core.faults.DatabaseUnavailableMiddleware",  # first: see core.faults
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response, static files included.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETags and 304s for pages, feeds and the sitemap; early, so it sees the final body.
    "karabakh_site.core.middleware.PageConditionalGetMiddleware",
    # Anonymous pages from the shared cache, keyed by the content clock (core.page_cache);
    # before sessions, so a kept page costs one clock query and one cache read.
    "karabakh_site.core.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of a page is its URL's prefix (/en/, /hy/, /az/, /ru/); a bare path is
    # redirected by the reader's cookie or Accept-Language. After sessions, before common.
    "django.middleware.locale.LocaleMiddleware",
    # Reader pages and API reads get content in their language (core.translations).
    "karabakh_site.core.translations.ReadingLanguageMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A NUL in the path, query or form fields is a 400 (PostgreSQL refuses NUL: it was a 500);
    # after sessions, auth and messages, which the 400 page's context needs.
    "karabakh_site.core.request_checks.RefuseNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "karabakh_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "karabakh_site.languages.page_languages",
            ],
        },
    },
]

WSGI_APPLICATION = "karabakh_site.wsgi.application"

DATABASES = {"default": database_config(os.environ.get("DATABASE_URL"))}
CACHES = {"default": cache_config(os.environ.get("CACHE_URL"))}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The four languages of the archive: its interface (karabakh_site/locale, compiled by the build)
# and its content (core.translations). English is the original every translation is made from.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("hy", "Armenian"),
    ("az", "Azerbaijani"),
    ("ru", "Russian"),
]
LOCALE_PATHS = [BASE_DIR / "karabakh_site" / "locale"]
# A reader's choice in the language switcher is kept for a year (karabakh_site.languages).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Reader site: static files through whitenoise. After `collectstatic` (make serve) names are
# hashed and compressed and served with far-future caching; without a manifest (the test suite,
# a fresh checkout) the storage falls back to plain names and whitenoise serves them from the
# finders, so DEBUG-off tests render pages without a build step. See karabakh_site/storage.py.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "karabakh_site.storage.ForgivingManifestStorage"},
}
WHITENOISE_USE_FINDERS = not (STATIC_ROOT / "staticfiles.json").exists()
WHITENOISE_MANIFEST_STRICT = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Production hardening; each can be relaxed through its variable behind a TLS-terminating proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HSTS: a browser that saw the header refuses plain http to this host (with subdomains: to every
# subdomain too) for that many seconds; preload lets the host into browsers' built-in list, which
# takes months to leave. `check --deploy` wants all three (W004, W005, W021); see the README's
# "Running in production" for how to raise them.
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured(f"DJANGO_HSTS_SECONDS must be 0 or more, got {SECURE_HSTS_SECONDS}.")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4). Scripts come from this site only, or inline with the
# response's nonce: a template that writes `nonce="{{ request.csp_nonce }}"` gets it added to
# the header (pages that use none send none, so their bodies and ETags stay the same from one
# request to the next). No template of ours runs inline script; JSON-LD is a data block, which
# CSP does not govern, and the API docs start from static files (templates/drf_spectacular/).
# Styles may be inline: Django's admin and ReDoc write <style> elements, and a style runs no
# code. ReDoc builds its search worker from a blob: URL. Frames: none may embed us
# (frame-ancestors; X_FRAME_OPTIONS for older browsers).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Permissions-Policy (django-permissions-policy): the site uses no device or sensor, so no page,
# and nothing a page embeds, may ask for one.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Client addresses: behind N trusted proxies a client's address is the Nth from the right in
# X-Forwarded-For. 0 means no proxy: REMOTE_ADDR counts and a client-sent X-Forwarded-For is
# ignored (trusting it would let anyone choose the address they are counted under). The API's
# throttle and the login protection read it the same way (karabakh_site.security.client_ip).
# API_NUM_PROXIES is the variable's older name, still read.
NUM_PROXIES = env_int("DJANGO_NUM_PROXIES", env_int("API_NUM_PROXIES", 0))
if NUM_PROXIES < 0:
    raise ImproperlyConfigured(f"DJANGO_NUM_PROXIES must be 0 or more, got {NUM_PROXIES}.")

# The admin's address: a path of its own (DJANGO_ADMIN_URL) makes it less of a target than the
# /admin/ every scanner tries; robots.txt does not name it (the admin's pages say noindex).
ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "").strip() or "admin/"
if not re.fullmatch(r"(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)+", ADMIN_URL):
    raise ImproperlyConfigured(
        "DJANGO_ADMIN_URL must be a path such as editorial-desk/: letters, digits and . _ ~ -, "
        f"ending with / and not starting with one, got {ADMIN_URL!r}."
    )

# Login protection (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one username from
# one address, that pair may not log in, even with the right password, until
# LOGIN_COOLOFF_MINUTES have passed since its last attempt, or an administrator unlocks it
# (`manage.py axes_reset_username NAME`, see docs/editorial.md). Counting the pair, not the
# address alone, means one office behind one address cannot lock all its editors out at once.
# Attempts are kept in the database, so every worker counts the same.
AUTHENTICATION_BACKENDS = [
    # First: it refuses a locked-out pair before any password is hashed.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
_cooloff_minutes = env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=_cooloff_minutes)
if AXES_FAILURE_LIMIT < 1 or _cooloff_minutes < 1:
    raise ImproperlyConfigured(
        "DJANGO_LOGIN_FAILURE_LIMIT and DJANGO_LOGIN_COOLOFF_MINUTES must be 1 or more."
    )
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# No start-up banner on every manage.py command; failed logins are still logged.
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "karabakh_site.security.client_ip"
AXES_LOCKOUT_CALLABLE = "karabakh_site.security.lockout_response"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}


# Email (the editorial workflow's notices, core/notify.py) -----------------------------------
# DJANGO_EMAIL_URL: smtp://user:password@host:587 (STARTTLS), smtps://user:password@host:465
# (TLS), or console:// (printed). Unset: the console in debug, and SMTP to localhost:25 otherwise.
def email_config(url: str | None) -> dict:
    if not url:
        backend = "console" if DEBUG else "smtp"
        return {"EMAIL_BACKEND": f"django.core.mail.backends.{backend}.EmailBackend"}
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(
            f"DJANGO_EMAIL_URL must start with smtp://, smtps:// or console://, got {url!r}."
        )
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"DJANGO_EMAIL_URL has a bad port: {url!r}.") from None
    from urllib.parse import unquote

    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": port or (465 if parts.scheme == "smtps" else 587),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": parts.scheme == "smtp" and bool(parts.username),
        "EMAIL_TIMEOUT": 10,
    }


globals().update(email_config(os.environ.get("DJANGO_EMAIL_URL", "").strip() or None))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "").strip() or (
    "Karabakh Archive <archive@localhost>"
)
# The site's address, for links in emails ("https://archive.example.org"); empty: paths only.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").strip().rstrip("/")

# API (/api/v1/, see docs/api.md) ------------------------------------------------------------
# Anonymous clients are limited per IP address; a rate is "<number>/<second|minute|hour|day>".
API_ANON_THROTTLE_RATE = os.environ.get("API_ANON_THROTTLE_RATE", "").strip() or "120/minute"
_count, _, _period = API_ANON_THROTTLE_RATE.partition("/")
if not _count.isdigit() or _period not in {"second", "minute", "hour", "day", "s", "m", "h", "d"}:
    raise ImproperlyConfigured(
        "API_ANON_THROTTLE_RATE must look like 120/minute (per second, minute, hour or day), "
        f"got {API_ANON_THROTTLE_RATE!r}."
    )
# How long shared caches may keep a public (anonymous) API response, in seconds.
API_CACHE_MAX_AGE = env_int("API_CACHE_MAX_AGE", 60)
# Kept answers (core.page_cache): how long the shared cache keeps an anonymous page or API read
# at most (0: never kept; each is also dropped by the next change, see the module), and what
# anonymous pages tell a CDN or proxy: max-age, and how long past it a stale copy may be served
# while it revalidates. Both end by the next scheduled publish or withdraw time.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
PAGE_MAX_AGE = env_int("PAGE_MAX_AGE", 60)
PAGE_STALE_WHILE_REVALIDATE = env_int("PAGE_STALE_WHILE_REVALIDATE", 30)
# The content clock every anonymous request reads is a prepared statement on PostgreSQL, once per
# connection (core.changes.read). Off behind a pooler that drops prepared statements between
# transactions (PgBouncer in transaction mode).
DATABASE_PREPARED_CLOCK = env_bool("DATABASE_PREPARED_CLOCK", True)

REST_FRAMEWORK = {
    # Hashed, expiring, revocable tokens (core.tokens); rest_framework.authtoken is not installed.
    "DEFAULT_AUTHENTICATION_CLASSES": ["karabakh_site.core.tokens.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["karabakh_site.core.api.permissions.ArchiveModelPermissions"],
    "DEFAULT_THROTTLE_CLASSES": ["karabakh_site.core.api.throttling.AnonymousThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": API_ANON_THROTTLE_RATE},
    # Behind N trusted proxies the client address is the Nth from the right in X-Forwarded-For.
    # 0 means "no proxy": DRF then counts REMOTE_ADDR. (None would trust a client-sent
    # X-Forwarded-For, letting anyone escape the throttle.)
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_PAGINATION_CLASS": "karabakh_site.core.api.pagination.ArchivePagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "karabakh_site.core.api.ordering.WhitelistOrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["karabakh_site.core.api.errors.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "karabakh_site.core.api.errors.exception_handler",
    # ?format= would answer 404 for unknown values; content negotiation uses Accept only.
    "URL_FORMAT_OVERRIDE": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Karabakh Archive API",
    "DESCRIPTION": "Source-backed articles, FAQ answers and timeline entries about the "
    "Nagorno-Karabakh conflict, with the sources they cite. Start with the "
    "[API guide](/api/v1/guide/) and the [API root](/api/v1/), which links every endpoint. "
    "Reading needs no token.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Separate request and response components, so write-only and read-only fields are exact.
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "karabakh_site.core.api.schema.document_http_behaviour",
    ],
    # Swagger UI and ReDoc from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # ReDoc's theme names web fonts (Roboto, Montserrat) that only Google's CDN would serve; the
    # site's own system font stack needs no font file from anywhere.
    "REDOC_UI_SETTINGS": {
        "theme": {
            "typography": {
                "fontFamily": 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif',
                "headings": {"fontFamily": 'system-ui, -apple-system, "Segoe UI", sans-serif'},
                "code": {"fontFamily": "ui-monospace, Menlo, Consolas, monospace"},
            }
        }
    },
    # A timeline entry's start and end precision share one choice set: one schema enum for both
    # (check --deploy warns on two names for it otherwise).
    # A claim's kind is not a source's kind: each its own enum.
    "ENUM_NAME_OVERRIDES": {
        "PrecisionEnum": "timeline.models.TimelineEntry.Precision",
        "ClaimKindEnum": "karabakh_site.core.models.Claim.Kind",
    },
}

# Any origin may read the API; no cookies, no cross-origin writes (browsers preflight them and
# only these methods are allowed).
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = [
    "ETag", "Last-Modified", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining",
    "RateLimit-Reset",
]  # fmt: skip
