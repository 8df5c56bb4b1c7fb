"""manage.py create_api_token USER [--name NAME] [--expires-in DAYS]: a new API token, whose key
is printed once (only its digest is stored)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from karabakh_site.core.tokens import ApiToken


class Command(BaseCommand):
    help = "Create an API token for USER and print its key, once: it cannot be shown again."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What or who uses the token.")
        parser.add_argument(
            "--expires-in", type=int, metavar="DAYS", help="Days until it expires (default never)."
        )

    def handle(self, *args, username, name, expires_in, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        if expires_in is not None and not 1 <= expires_in <= 36_500:
            raise CommandError("--expires-in takes a number of days from 1 to 36500.")
        if len(name) > ApiToken._meta.get_field("name").max_length:
            raise CommandError("--name is longer than 100 characters.")
        token, key = ApiToken.issue(
            user=user, name=name, expires_in=timedelta(days=expires_in) if expires_in else None
        )
        # The key alone on stdout, so scripts can capture it; what it is on stderr.
        self.stdout.write(key)
        expiry = (
            f"expires {token.expires_at:%Y-%m-%d %H:%M} UTC"
            if token.expires_at
            else "never expires"
        )
        self.stderr.write(
            f"API token {token.prefix}… for {user} ({expiry}). This is the only time the key is shown."
        )
