"""The registry of content kinds: every publishable model of a content app declares itself, core
finds them through the app registry, and the system check refuses a declaration that breaks the
contract core relies on."""

import dataclasses
import re
from pathlib import Path

from django.apps import apps

from articles.models import Article
from faq.models import FAQEntry
from karabakh_site.core.kinds import content_kinds, kind_errors, kind_named
from karabakh_site.core.models import Publishable
from timeline.models import TimelineEntry


def test_every_publishable_model_is_a_registered_kind_in_app_order():
    publishable = [m for m in apps.get_models() if issubclass(m, Publishable)]

    assert [kind.model for kind in content_kinds()] == publishable
    assert [kind.name for kind in content_kinds()] == ["article", "faq", "timeline"]
    assert kind_named("faq").model is FAQEntry


def test_the_declarations_fulfil_the_contract():
    assert [error for kind in content_kinds() for error in kind_errors(kind)] == []


def test_a_broken_declaration_is_refused_with_what_it_lacks():
    broken = dataclasses.replace(
        Article.content_kind,
        title_field="headline",
        api_viewset="timeline.api.TimelineEntryViewSet",
        topic_template="articles/missing.html",
        importexport="articles.nowhere.Columns",
    )
    broken.model = Article

    messages = {error.id: error.msg for error in kind_errors(broken)}

    assert set(messages) == {"core.E103", "core.E106", "core.E107", "core.E108"}
    assert "'headline'" in messages["core.E103"]


def test_a_kind_lists_its_published_items_with_what_a_listing_shows(django_assert_num_queries, db):
    from tests.factories import FAQEntryFactory

    FAQEntryFactory()
    FAQEntryFactory(status=Publishable.Status.DRAFT)

    with django_assert_num_queries(1):
        entries = list(kind_named("faq").published())
        assert [entry.group.name for entry in entries]  # the group came with the entries
    assert len(entries) == 1
    assert kind_named("timeline").model is TimelineEntry


def test_core_imports_no_content_app():
    """Core is the base the content apps build on; it finds them through the registry."""
    core = Path(__file__).resolve().parents[2] / "karabakh_site" / "core"
    content_import = re.compile(r"^\s*(from|import) (articles|faq|timeline)\b", re.M)

    found = [
        f"{path.relative_to(core)}: {match.group(0).strip()}"
        for path in sorted(core.rglob("*.py"))
        for match in content_import.finditer(path.read_text())
    ]

    assert found == []
