"""The editorial roles, created here so every installation has the same ones.

Contributors write and edit drafts and submit them for review; the server refuses their attempts to
publish (see PublishableAdmin). Editors also publish, withdraw, correct and delete.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTRIBUTOR_PERMISSIONS = {
    "articles": ["add_article", "change_article", "view_article",
                 "add_articlecitation", "change_articlecitation", "delete_articlecitation",
                 "view_articlecitation", "view_correction"],
    "faq": ["add_faqentry", "change_faqentry", "view_faqentry", "add_faqcitation",
            "change_faqcitation", "delete_faqcitation", "view_faqcitation", "view_faqgroup"],
    "timeline": ["add_timelineentry", "change_timelineentry", "view_timelineentry",
                 "add_timelinecitation", "change_timelinecitation", "delete_timelinecitation",
                 "view_timelinecitation", "add_place", "change_place", "view_place"],
    "core": ["add_source", "change_source", "view_source", "view_topic"],
}  # fmt: skip

EDITOR_EXTRA_PERMISSIONS = {
    "articles": ["delete_article", "publish_article", "add_correction", "change_correction",
                 "delete_correction"],
    "faq": ["delete_faqentry", "publish_faqentry", "add_faqgroup", "change_faqgroup",
            "delete_faqgroup"],
    "timeline": ["delete_timelineentry", "publish_timelineentry", "delete_place"],
    "core": ["delete_source", "add_topic", "change_topic", "delete_topic"],
}  # fmt: skip


def _permissions(Permission, by_app):
    wanted = [(app, codename) for app, codenames in by_app.items() for codename in codenames]
    found = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type").filter(
            codename__in=[codename for _, codename in wanted]
        )
    }
    missing = [f"{app}.{codename}" for app, codename in wanted if (app, codename) not in found]
    if missing:
        raise RuntimeError(f"Permissions missing for the editorial groups: {', '.join(missing)}")
    return [found[key] for key in wanted]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    # The tests call this with the real app registry too (after a flush): each app's
    # models_module goes back to what it was, or later flushes would skip the apps.
    for app_config in apps.get_app_configs():
        previous = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = previous

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    contributor_permissions = _permissions(Permission, CONTRIBUTOR_PERMISSIONS)
    editor_permissions = contributor_permissions + _permissions(Permission, EDITOR_EXTRA_PERMISSIONS)

    contributors, _ = Group.objects.get_or_create(name="Contributors")
    contributors.permissions.set(contributor_permissions)
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(editor_permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Contributors", "Editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_search_index"),
        ("articles", "0002_search_index"),
        ("faq", "0002_search_index"),
        ("timeline", "0002_search_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
