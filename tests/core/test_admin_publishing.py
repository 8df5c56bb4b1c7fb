"""The admin publishes every kind of content the same way, read from the registry of kinds: the add
form publishes an item with the citations added in the same submission as one history version,
refuses an item without a citation with the rule's message, keeps publishing from contributors,
and the workflow panel publishes and withdraws."""

from html.parser import HTMLParser

import factory
import pytest
from django.urls import reverse

from karabakh_site.core import services
from karabakh_site.core.kinds import content_kinds
from karabakh_site.core.models import Publishable, WorkflowEvent
from karabakh_site.core.publishing import NEEDS_SOURCE_MESSAGE
from tests import factories
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

Status = Publishable.Status
KINDS = content_kinds()


def factory_for(model):
    """The factory of ``model`` in tests/factories.py: a new kind needs one to be tested here."""
    for value in vars(factories).values():
        if (
            isinstance(value, type)
            and issubclass(value, factory.django.DjangoModelFactory)
            and value._meta.model is model
        ):
            return value
    raise LookupError(f"tests/factories.py has no factory for {model.__name__}.")


class FormFields(HTMLParser):
    """What a browser submits from the form with id ``form_id``: each named field's values."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside = form_id, False
        self.values: dict[str, list[str]] = {}
        self.select = self.textarea = None

    def add(self, name, value):
        if "__prefix__" not in name:  # the inlines' templates for rows added by script
            self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.add(name, attrs.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "textarea" and name and "__prefix__" not in name:
            self.textarea = name
            self.add(name, "")
        elif tag == "select" and name:
            self.select = {
                "name": name,
                "multiple": "multiple" in attrs,
                "first": None,
                "any": False,
            }
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["any"] = True
                self.add(self.select["name"], value)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            values = self.values.get(self.textarea)
            if values:  # A browser drops the newline that opens a textarea's text.
                values[-1] = values[-1].removeprefix("\n")
            self.textarea = None
        elif tag == "select" and self.select is not None:
            select = self.select
            if not select["multiple"] and not select["any"] and select["first"] is not None:
                self.add(select["name"], select["first"])
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea][-1] += data


def submitted(response, model) -> dict:
    parser = FormFields(f"{model._meta.model_name}_form")
    parser.feed(response.content.decode())
    return {
        name: values if len(values) > 1 else values[0] for name, values in parser.values.items()
    }


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def linked_draft(kind):
    """A draft of ``kind`` with one citation and one link through each many-to-many field."""
    item = factory_for(kind.model)(status=Status.DRAFT)
    for field in kind.model._meta.many_to_many:
        getattr(item, field.name).add(factory_for(field.related_model)())
    return item


def add_form_data(client, kind, *, status, sources, slug):
    """The add form as a browser submits it, filled in as a draft of the kind is, with ``sources``
    cited in order and ``status`` chosen; the item's unique fields take ``slug``."""
    model = kind.model
    citation_model = model.citations.rel.related_model
    add_page = client.get(admin_url(model, "add"))
    assert add_page.status_code == 200
    inlines = {f.formset.prefix: f.formset.model for f in add_page.context["inline_admin_formsets"]}
    like = submitted(client.get(admin_url(model, "change", linked_draft(kind).pk)), model)

    def inline(name):
        return any(name.startswith(f"{prefix}-") for prefix in inlines)

    # The item's own fields as the draft's change form holds them; the inlines as the add form
    # starts them (the version token belongs to the draft).
    data = {name: value for name, value in like.items() if not inline(name)}
    data.pop("editorial_version", None)
    data.update({name: value for name, value in submitted(add_page, model).items() if inline(name)})
    for field in model._meta.fields:
        if field.unique and not field.primary_key and field.name in data:
            data[field.name] = slug
    data["status"] = status
    prefix = next(p for p, inline_model in inlines.items() if inline_model is citation_model)
    data = {name: value for name, value in data.items() if not name.startswith(f"{prefix}-")}
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(len(sources)),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    )
    for index, source in enumerate(sources):
        data.update(
            {
                f"{prefix}-{index}-position": str(index + 1),
                f"{prefix}-{index}-source": str(source.pk),
                f"{prefix}-{index}-locator": f"p. {index + 1}",
                f"{prefix}-{index}-quote": "",
            }
        )
    return data


def workflow_log(item):
    return [(e.from_status, e.to_status, e.by) for e in services.workflow_events(item)]


@pytest.fixture(params=KINDS, ids=[kind.name for kind in KINDS])
def kind(request):
    return request.param


def test_the_registry_lists_every_kind_this_module_tests():
    assert {kind.label for kind in KINDS} == {
        "articles.article", "faq.faqentry", "timeline.timelineentry",
    }  # fmt: skip


def test_the_add_form_publishes_with_its_citations_as_one_version(client, editor, kind):
    client.force_login(editor)
    sources = SourceFactory.create_batch(2)
    data = add_form_data(client, kind, status=Status.PUBLISHED, sources=sources, slug="new-one")

    response = client.post(admin_url(kind.model, "add"), data)

    assert response.status_code == 302, response.content.decode()
    item = kind.model.objects.get(slug="new-one")
    assert item.is_published
    assert [(c.source, c.position) for c in item.citations.all()] == [
        (sources[0], 1),
        (sources[1], 2),
    ]
    assert (item.created_by, item.updated_by) == (editor, editor)
    versions = list(item.history.all())
    assert [(v.history_type, v.status, v.history_user) for v in versions] == [
        ("+", Status.PUBLISHED, editor)
    ]
    # The version holds the links chosen in the same submission, and the citations count as its.
    for field in kind.model._meta.many_to_many:
        linked = sorted(getattr(item, field.name).values_list("pk", flat=True))
        assert linked and getattr(versions[0], field.name).count() == len(linked)
    citation_history = item.citations.model.history.filter(
        **{f"{item.citations.field.name}_id": item.pk}
    )
    assert sorted(row.history_type for row in citation_history) == ["+", "+"]
    assert workflow_log(item) == [(Status.DRAFT, Status.PUBLISHED, editor)]


def test_the_add_form_refuses_to_publish_without_a_citation(client, editor, kind):
    client.force_login(editor)
    data = add_form_data(client, kind, status=Status.PUBLISHED, sources=[], slug="uncited")

    response = client.post(admin_url(kind.model, "add"), data)

    assert response.status_code == 200
    assert NEEDS_SOURCE_MESSAGE in response.content.decode()
    assert not kind.model.objects.filter(slug="uncited").exists()


def test_a_contributor_cannot_publish_through_the_add_form(client, contributor, kind):
    client.force_login(contributor)
    data = add_form_data(
        client, kind, status=Status.PUBLISHED, sources=[SourceFactory()], slug="mine"
    )

    response = client.post(admin_url(kind.model, "add"), data)

    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert not kind.model.objects.filter(slug="mine").exists()


def test_a_contributor_submits_a_new_item_for_review_as_one_version(client, contributor, kind):
    client.force_login(contributor)
    data = add_form_data(
        client, kind, status=Status.IN_REVIEW, sources=[SourceFactory()], slug="mine"
    )

    response = client.post(admin_url(kind.model, "add"), data)

    assert response.status_code == 302, response.content.decode()
    item = kind.model.objects.get(slug="mine")
    assert [(v.history_type, v.status) for v in item.history.all()] == [("+", Status.IN_REVIEW)]
    assert workflow_log(item) == [(Status.DRAFT, Status.IN_REVIEW, contributor)]


def test_an_edit_is_one_version_and_a_save_without_edits_is_none(client, editor, kind):
    item = factory_for(kind.model)()
    client.force_login(editor)
    url = admin_url(kind.model, "change", item.pk)
    data = submitted(client.get(url), kind.model)
    data[kind.title_field] += " (revised)"
    before = item.history.count()

    assert client.post(url, data).status_code == 302
    assert item.history.count() == before + 1
    latest = item.history.latest("history_id")
    assert (latest.history_type, latest.status, latest.history_user) == (
        "~",
        Status.PUBLISHED,
        editor,
    )

    data = submitted(client.get(url), kind.model)
    assert client.post(url, data).status_code == 302
    assert item.history.count() == before + 1


def test_the_workflow_panel_publishes_and_withdraws(client, editor, kind):
    item = factory_for(kind.model)(status=Status.DRAFT)
    client.force_login(editor)
    url = admin_url(kind.model, "workflow", item.pk)

    response = client.post(url, {"transition": "publish"}, follow=True)
    item.refresh_from_db()
    assert item.is_published
    assert "Published." in response.content.decode()

    response = client.post(url, {"transition": "withdraw"}, follow=True)
    item.refresh_from_db()
    assert item.status == Status.WITHDRAWN and not item.is_published
    assert "Withdrawn: readers no longer see it." in response.content.decode()
    assert workflow_log(item) == [
        (Status.PUBLISHED, Status.WITHDRAWN, editor),
        (Status.DRAFT, Status.PUBLISHED, editor),
    ]


def test_the_workflow_panel_refuses_a_contributors_publish(client, contributor, kind):
    item = factory_for(kind.model)(status=Status.DRAFT)
    client.force_login(contributor)

    response = client.post(admin_url(kind.model, "workflow", item.pk), {"transition": "publish"})

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == Status.DRAFT
    assert not WorkflowEvent.objects.exists()
