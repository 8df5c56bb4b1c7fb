"""Who may do what with the archive's records: one module for the admin, the API and the reader
pages' previews. The rule about what may be published is in core.publishing."""


def permission_name(model, action: str) -> str:
    """``"articles.publish_article"`` for (Article, "publish")."""
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"
