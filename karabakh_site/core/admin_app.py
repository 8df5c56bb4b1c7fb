"""Django's admin app with the archive's site (core/admin_site.py). Apart from the admin package,
which imports models: INSTALLED_APPS imports this before the models are ready."""

from django.contrib.admin.apps import AdminConfig


class ArchiveAdminConfig(AdminConfig):
    default_site = "karabakh_site.core.admin_site.ArchiveAdminSite"
