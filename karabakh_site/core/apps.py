from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def _after_migrate(sender, using, **kwargs):
    from . import changes

    # The database cache's table (the default cache, see settings.cache_config) is not a model, so
    # no migration makes it; creating it on every migrate (a no-op once it exists) also covers a
    # CACHE_URL changed after the last migration. Throttle counts live there under `make serve`.
    call_command("createcachetable", database=using, verbosity=0)
    changes.on_migrate(sender, using=using)


class CoreConfig(AppConfig):
    name = "karabakh_site.core"
    label = "core"
    verbose_name = "Sources and topics"

    def ready(self):
        from . import changes, claims

        changes.connect()
        claims.connect()
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="core-after-migrate")
