"""Create (or reset) the demo admin login that `make run` prints.

The password comes from DEMO_ADMIN_PASSWORD, or is generated once and kept in a git-ignored file
beside manage.py, so it stays the same from one `make run` to the next.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.urls import reverse

PASSWORD_FILE = Path(settings.BASE_DIR) / ".demo-admin-password"


class Command(BaseCommand):
    help = "Create the demo superuser 'admin' and print its login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--site-url",
            default="http://127.0.0.1:8000",
            help="Where the site is served; the admin's path (DJANGO_ADMIN_URL) is added to it.",
        )

    def handle(self, *args, username, site_url, **options):
        url = site_url.rstrip("/") + reverse("admin:index")
        password = os.environ.get("DEMO_ADMIN_PASSWORD") or self.stored_password()
        User = get_user_model()
        user = User.objects.filter(username=username).first() or User(username=username)
        user.is_staff = user.is_superuser = user.is_active = True
        if not user.has_usable_password() or not user.check_password(password):
            user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(f"Admin: {url}  user: {username}  password: {password}")
        )

    def stored_password(self) -> str:
        if PASSWORD_FILE.exists():
            password = PASSWORD_FILE.read_text(encoding="utf-8").strip()
            if password:
                return password
        password = secrets.token_urlsafe(12)
        PASSWORD_FILE.write_text(password + "\n", encoding="utf-8")
        PASSWORD_FILE.chmod(0o600)
        return password
