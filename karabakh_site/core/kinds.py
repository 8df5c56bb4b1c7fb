"""The registry of content kinds.

Each content app's publishable model declares itself with ``content_kind = ContentKind(...)`` in its class
body: what core and the site's composition need to know about it (its name in search, imports and
the API; its headings; the fields readers see as title and snippet; its API viewset and its
import/export columns, as dotted paths so declaring them imports nothing). Core finds the kinds
through Django's app registry (content_kinds()), so it never imports a content app, and adding a
kind is one app with its declaration. check_content_kinds() (a system check) refuses a declaration
that does not fulfil the contract.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.core import checks
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.module_loading import import_string


@dataclass(eq=False)
class ContentKind:
    name: str  # "article": the kind's key in search, import/export and the API's search filter
    plural: str  # "FAQ entries": the heading of a list of them
    section: str  # "FAQ": the name of its section of the site
    noun: tuple[str, str]  # ("question", "questions"): one item, several, in running text
    title_field: str  # what readers see as the item's title
    snippet_fields: tuple[str, ...]  # the text a search snippet is taken from
    api_prefix: str  # its collection under /api/v1/
    api_viewset: str  # dotted path of its DRF viewset
    # Its section of a topic page, given ``items`` (published, on the topic) and ``topic``.
    topic_template: str
    # Dotted path of its import/export columns (an ItemKind subclass); "" when it has none.
    importexport: str = ""
    # Relations a listing of these items shows beside each one (select_related).
    list_related: tuple[str, ...] = ()
    model: type = field(default=None, init=False, repr=False)

    def contribute_to_class(self, model, name):
        # Django calls this for a class attribute that has it: the declaration learns its model.
        self.model = model
        setattr(model, name, self)

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def published(self):
        """The published items, with what a listing shows beside each one."""
        queryset = self.model.objects.published()
        return queryset.select_related(*self.list_related) if self.list_related else queryset

    def viewset(self):
        return import_string(self.api_viewset)


def content_kinds() -> list[ContentKind]:
    """Every declared kind, in the order of INSTALLED_APPS (which is the order of models)."""
    return [
        model.content_kind
        for model in apps.get_models()
        if isinstance(model.__dict__.get("content_kind"), ContentKind)
    ]


def kind_named(name: str) -> ContentKind:
    for kind in content_kinds():
        if kind.name == name:
            return kind
    raise LookupError(f"No content kind named {name!r}.")


def kind_of(model) -> ContentKind | None:
    kind = getattr(model, "content_kind", None)
    return kind if isinstance(kind, ContentKind) else None


@checks.register()
def check_content_kinds(app_configs=None, **kwargs):
    errors, seen = [], {}
    for kind in content_kinds():
        errors += kind_errors(kind)
        if kind.name in seen:
            errors.append(_error(kind, f"the name {kind.name!r} is {seen[kind.name]}'s too.", 2))
        seen[kind.name] = kind.model._meta.label
    return errors


def kind_errors(kind: ContentKind) -> list[checks.Error]:
    """What ``kind``'s declaration lacks: the contract core relies on."""
    from .models import Publishable

    model = kind.model
    errors = []
    if not issubclass(model, Publishable):
        errors.append(_error(kind, "a content kind must be a Publishable model.", 1))
    names = {f.name for f in model._meta.get_fields()}
    wanted = {kind.title_field, *kind.snippet_fields, *getattr(model, "search_weights", {})}
    for source, target in getattr(model, "rendered_fields", {}).items():
        wanted |= {source, target}
    errors += [
        _error(kind, f"names a field {name!r} the model does not have.", 3)
        for name in sorted(wanted - names)
    ]
    if not getattr(model, "search_weights", None):
        errors.append(_error(kind, "declare search_weights: the fields search looks in.", 4))
    try:
        viewset = kind.viewset()
    except ImportError as exc:
        errors.append(_error(kind, f"api_viewset cannot be imported ({exc}).", 5))
    else:
        if getattr(getattr(viewset, "queryset", None), "model", None) is not model:
            errors.append(
                _error(kind, f"api_viewset {kind.api_viewset!r} serves another model.", 6)
            )
    try:
        get_template(kind.topic_template)
    except TemplateDoesNotExist:
        errors.append(_error(kind, f"topic_template {kind.topic_template!r} does not exist.", 7))
    if kind.importexport:
        try:
            import_string(kind.importexport)
        except ImportError as exc:
            errors.append(_error(kind, f"importexport cannot be imported ({exc}).", 8))
    return errors


def _error(kind, message, number) -> checks.Error:
    return checks.Error(
        f"{kind.model._meta.label}.content_kind: {message}",
        obj=kind.model,
        id=f"core.E1{number:02}",
    )
