#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "karabakh_site.settings")
    if sys.argv[1:2] != ["runserver"]:
        # The 3 s statement timeout protects web requests (docs/operations.md); a migration, the
        # demo loader or a whole-archive import may rightly run one long statement. An explicit
        # DATABASE_STATEMENT_TIMEOUT_MS still wins.
        os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT_MS", "0")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
