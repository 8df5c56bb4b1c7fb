"""API tokens, stored as a SHA-256 digest: the key is shown once, when it is made, and a leaked
database or admin screen gives no usable key. Each token has an owner, a name, an optional expiry
and can be revoked (kept, with the time, so the record shows which key stopped working when).

Clients send ``Authorization: Token <key>``, the header DRF's tokens used, so clients whose keys
were migrated from ``rest_framework.authtoken`` (migration core 0007) keep working unchanged.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from rest_framework import authentication, exceptions

# The first characters of a key, stored in the clear: enough to find the row and to tell keys
# apart in the admin, far too few to guess the rest (a key is 40 hex digits, 160 bits).
PREFIX_LENGTH = 8
# last_used_at is written at most this often per token, so an authenticated request is one query,
# not a query and a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def digest(key: str) -> str:
    """The stored form of a key. A key is random, so an unsalted hash is safe (no dictionary)."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        """Tokens that authenticate now: not revoked, not expired."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    prefix = models.CharField(max_length=PREFIX_LENGTH, db_index=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True, help_text="What or who uses it.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(
        "expires", null=True, blank=True, help_text="Empty: never expires."
    )
    revoked_at = models.DateTimeField("revoked", null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField("last used", null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.prefix}… ({self.name or 'unnamed'}, {self.user})"

    @classmethod
    def issue(cls, *, user, name: str = "", expires_in: timedelta | None = None):
        """A new token for ``user``; returns ``(token, key)``. The key exists only in the return
        value: show it to the user once, it cannot be recovered."""
        token = cls(user=user, name=name)
        if expires_in:
            token.expires_at = timezone.now() + expires_in
        key = token.set_new_key()
        token.save()
        return token, key

    def set_new_key(self) -> str:
        """Give an unsaved token a fresh random key; returns the key, which is not stored."""
        key = secrets.token_hex(20)
        for name, value in self.stored_fields(key).items():
            setattr(self, name, value)
        return key

    @staticmethod
    def stored_fields(key: str) -> dict[str, str]:
        """What is stored of ``key`` (also used to migrate DRF's plain-text keys)."""
        return {"prefix": key[:PREFIX_LENGTH], "digest": digest(key)}

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>`` against ApiToken: one query (the rows sharing the key's
    prefix, with their user), the digest compared in constant time. An expired or revoked key is
    a 401 that says so, so a client knows to ask for a new key rather than retry."""

    model = ApiToken

    def authenticate_credentials(self, key):
        wanted = digest(key)
        candidates = ApiToken.objects.filter(prefix=key[:PREFIX_LENGTH]).select_related("user")
        token = next(
            (each for each in candidates if hmac.compare_digest(each.digest, wanted)), None
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(
                f"This token was revoked on {token.revoked_at:%Y-%m-%d %H:%M} UTC; "
                "ask an administrator for a new one."
            )
        now = timezone.now()
        if token.expires_at is not None and token.expires_at <= now:
            raise exceptions.AuthenticationFailed(
                f"This token expired on {token.expires_at:%Y-%m-%d %H:%M} UTC; "
                "ask an administrator for a new one."
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
