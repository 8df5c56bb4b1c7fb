"""Names the admin modules share: a model admin's URL names."""


def url_name(opts, suffix: str) -> str:
    """The name of one of a model admin's URLs, e.g. articles_article_history_compare."""
    return f"{opts.app_label}_{opts.model_name}_{suffix}"
