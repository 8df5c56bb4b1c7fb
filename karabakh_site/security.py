"""Login protection's two hooks into django-axes (configured in settings.py): the address a
login attempt is counted under, and the page a locked-out login gets."""

import math

from axes.helpers import get_client_username, get_cool_off
from django.contrib import admin
from django.http import JsonResponse
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or behind settings.NUM_PROXIES trusted proxies the address the outermost one
    saw. DRF's own rule, the one the API throttle counts by, so a client is the same address to
    both; with no proxy configured a client-sent X-Forwarded-For is ignored."""
    return BaseThrottle().get_ident(request)


def lockout_message(minutes: int) -> str:
    return (
        "Too many failed logins for this account from your address. Logins for it from here "
        f"are paused for {minutes} minutes after the last attempt. Wait and try again, or ask "
        "an administrator to unlock the account."
    )


def lockout_response(request, original_response=None, credentials=None):
    """429 with how long the pause lasts and whom to ask: the admin's own page for the admin
    login, JSON for anything under /api/."""
    seconds = get_cool_off(request).total_seconds()
    minutes = math.ceil(seconds / 60)
    headers = {"Retry-After": str(math.ceil(seconds))}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message(minutes)}, status=429, headers=headers)
    context = {
        **admin.site.each_context(request),
        "title": "Login paused",
        "message": lockout_message(minutes),
        "username": get_client_username(request, credentials) or "",
    }
    response = render(request, "admin/locked_out.html", context, status=429)
    response["Retry-After"] = headers["Retry-After"]
    return response
