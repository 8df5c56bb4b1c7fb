"""export_content of every kind imports back into an empty database: the topics, places and FAQ
groups that item rows name are kinds of their own, exported and imported first."""

import pytest
from django.core.management import call_command

from articles.models import Article
from faq.models import FAQEntry, FAQGroup
from karabakh_site.core import importexport
from karabakh_site.core.models import Claim, Position, Source, Topic
from karabakh_site.core.record import erasing
from timeline.models import Place, TimelineEntry

pytestmark = pytest.mark.django_db

MODELS = (Article, FAQEntry, TimelineEntry, FAQGroup, Place, Claim, Source, Topic)


def snapshot():
    found = {
        model._meta.label: sorted(repr(row) for row in model.objects.values(*_compared(model)))
        for model in MODELS
    }
    # Each claim's positions, with what they say and the sources they cite.
    found["positions"] = sorted(
        repr(row)
        for row in Position.objects.values(
            "claim__slug", "holder", "perspective__slug", "stance", "says", "said_on",
            "citations__source__url", "citations__locator",
        )
    )  # fmt: skip
    found["carried"] = sorted(
        (model._meta.label, slug, claim)
        for model in (Article, FAQEntry, TimelineEntry)
        for slug, claim in model.objects.values_list("slug", "claims__slug")
    )
    return found


def _compared(model):
    skip = {"id", "search_vector", "created_at", "updated_at", "created_by", "updated_by"}
    return [
        f.attname for f in model._meta.concrete_fields if f.name not in skip and not f.is_relation
    ] + [
        f"{f.name}__slug"
        for f in model._meta.concrete_fields
        if f.is_relation and f.name in {"place", "group"}
    ]


def test_every_kind_exported_imports_back_into_an_empty_database(tmp_path):
    call_command("load_demo", verbosity=0)
    before = snapshot()
    files = {}
    for kind in importexport.KINDS:
        files[kind] = tmp_path / f"{kind}.json"
        call_command("export_content", kind, "-o", files[kind], verbosity=0)
    assert {"topics", "places", "faqgroups"} <= set(files)
    with erasing():
        for model in MODELS:
            model.objects.all().delete()

    for kind, path in files.items():  # KINDS' order: what rows name comes first
        call_command("import_content", kind, path, verbosity=0)

    assert snapshot() == before
    assert Article.objects.get().topics.exists()
    assert TimelineEntry.objects.filter(place__isnull=False).exists()


def test_a_bad_place_row_is_a_clear_row_error():
    report = importexport.import_text(
        "places", '[{"slug": "x", "name_en": "X", "latitude": "north"}]', "json"
    )

    assert not report.ok
    assert "latitude" in report.error_text()
