"""The ceiling `make bench` compares every page with: a minimal Django project in one module.

One URL answering 1,024 bytes of HTML, DEBUG off, no database, no apps, no middleware: what
Django itself costs per request under the same gunicorn settings as the site (tests/bench/bench.py
serves it as `ceiling:application` with `--pythonpath tests/bench`). Everything a real page
costs above this is the project's own. Not collected by pytest (not a test_*.py file).
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

# 1,024 bytes exactly: a small HTML page, the size the ceiling is defined for.
_HEAD = b"<!DOCTYPE html><html lang=en><title>ceiling</title><p>"
_TAIL = b"</p></html>\n"
BODY = _HEAD + b"x" * (1024 - len(_HEAD) - len(_TAIL)) + _TAIL
assert len(BODY) == 1024


def page(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path("", page)]

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or "ceiling-only-secret-key",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        DATABASES={},
        INSTALLED_APPS=[],
        MIDDLEWARE=[],
        # The site runs with translations on; the ceiling needs none, and its view reads none.
        USE_I18N=False,
        USE_TZ=True,
        LOGGING_CONFIG=None,
    )

application = get_wsgi_application()
