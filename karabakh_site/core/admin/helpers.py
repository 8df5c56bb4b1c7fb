"""Names the admin modules share: a model admin's URL names and the publish permission."""


def publish_permission(model) -> str:
    return f"{model._meta.app_label}.publish_{model._meta.model_name}"


def url_name(opts, suffix: str) -> str:
    """The name of one of a model admin's URLs, e.g. articles_article_history_compare."""
    return f"{opts.app_label}_{opts.model_name}_{suffix}"


def can_publish(user, model) -> bool:
    return user.has_perm(publish_permission(model))
