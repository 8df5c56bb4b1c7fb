from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "karabakh_site.core"
    label = "core"
    verbose_name = "Sources and topics"
