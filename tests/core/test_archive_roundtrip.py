"""export_archive / import_archive: the whole archive (every kind in every state, citations,
corrections, topics, places, groups, sources, history, workflow log, authorship) goes into a file
and comes back into an empty database identical, table by table, row by row."""

import datetime

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article
from karabakh_site.core import backup, history, services
from karabakh_site.core.models import Publishable, WorkflowEvent
from tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    FAQEntryFactory,
    PlaceFactory,
    TimelineEntryFactory,
    TopicFactory,
)

Status = Publishable.Status
pytestmark = pytest.mark.django_db


def build_archive(editor, contributor):
    topic = TopicFactory(slug="war")
    live = ArticleFactory(slug="live", created_by=contributor, citations=2)
    live.topics.add(topic)
    services.write_item(live, by=editor)
    live.standfirst = "A second version."
    services.write_item(live, by=editor)  # history with two versions
    CorrectionFactory(article=live)
    services.withdraw(ArticleFactory(slug="gone"), by=editor)
    scheduled = ArticleFactory(status=Status.DRAFT, slug="soon")
    services.publish(scheduled, at=timezone.now() + datetime.timedelta(days=3), by=editor)
    services.submit_for_review(ArticleFactory(status=Status.DRAFT, slug="review"), by=contributor)
    ArticleFactory(status=Status.DRAFT, slug="deleted-draft").delete()
    entry = FAQEntryFactory(slug="faq-live")
    entry.related_articles.add(live)
    FAQEntryFactory(status=Status.DRAFT, slug="faq-draft")
    TimelineEntryFactory(slug="event", place=PlaceFactory(slug="shusha"))
    TimelineEntryFactory(status=Status.WITHDRAWN, slug="event-withdrawn")


def canonical():
    """Every archive table, row by row: natural keys for users and groups (ids may differ), ids
    for the rest; many-to-many links included."""
    tables = {}
    for model in backup.archive_models():
        natural = model in backup._natural_primary()
        rows = serializers.serialize(
            "python",
            model._base_manager.order_by("pk"),
            fields=backup._fields(model),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=natural,
        )
        for row in rows:
            for name, value in row["fields"].items():
                if isinstance(value, list):
                    row["fields"][name] = sorted(map(repr, value))
        key = (lambda row: repr(row["fields"])) if natural else (lambda row: row["pk"])
        tables[model._meta.label] = sorted(rows, key=key)
    return tables


def test_an_export_imported_into_an_empty_database_is_the_same_archive(
    tmp_path, editor, contributor
):
    build_archive(editor, contributor)
    before = canonical()
    path = tmp_path / "archive.jsonl"
    call_command("export_archive", path, verbosity=0)

    backup.wipe_archive()
    assert backup.is_empty()
    assert not canonical()["articles.Article"]
    call_command("import_archive", path, verbosity=0)

    after = canonical()
    assert after.keys() == before.keys()
    for label in before:
        assert after[label] == before[label], label
    # The rich parts really were there to compare.
    for label in (
        "articles.HistoricalArticle", "articles.HistoricalArticle_topics", "articles.Correction",
        "core.WorkflowEvent", "faq.FAQGroup", "timeline.Place", "auth.User", "auth.Group",
    ):  # fmt: skip
        assert before[label], label
    assert any(row["fields"]["history_type"] == "-" for row in before["articles.HistoricalArticle"])


def test_the_imported_archive_works_as_before(tmp_path, editor, contributor):
    build_archive(editor, contributor)
    path = tmp_path / "archive.jsonl"
    call_command("export_archive", path, verbosity=0)
    backup.wipe_archive()
    call_command("import_archive", path, verbosity=0)

    live = Article.objects.get(slug="live")
    assert set(Article.objects.published().values_list("slug", flat=True)) == {"live"}
    assert live.created_by.username == contributor.username
    assert live.history.count() >= 2
    assert history.version_citations(live.history.earliest()) != []
    assert WorkflowEvent.objects.exists()
    # New rows get new ids after the import (sequences moved past the loaded ones).
    highest = max(Article.objects.values_list("pk", flat=True))
    assert ArticleFactory(slug="after-import").pk > highest


def test_a_database_with_an_archive_is_refused_unless_forced(tmp_path, editor, contributor):
    build_archive(editor, contributor)
    path = tmp_path / "archive.jsonl"
    call_command("export_archive", path, verbosity=0)
    Article.objects.filter(slug="review").update(title="Changed after the backup")

    with pytest.raises(CommandError, match="already holds an archive"):
        call_command("import_archive", path, verbosity=0)
    call_command("import_archive", path, "--force", verbosity=0)

    assert Article.objects.get(slug="review").title != "Changed after the backup"


def test_passwords_can_be_left_out(tmp_path, editor):
    path = tmp_path / "archive.jsonl"
    call_command("export_archive", path, "--without-passwords", verbosity=0)

    assert editor.password not in path.read_text()


def test_a_file_that_is_not_an_archive_is_a_clear_error(tmp_path):
    path = tmp_path / "nonsense.jsonl"
    path.write_text('{"model": "articles.nothing", "fields": {}}\n')
    backup.wipe_archive()

    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_archive", path, verbosity=0)
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_archive", tmp_path / "missing.jsonl", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_forced_import_over_a_database_with_tokens_and_other_users_commits(
    tmp_path, editor, contributor
):
    # Committed for real (transaction=True), so deferred foreign keys are checked: a token left
    # pointing at a replaced user failed the commit.
    from django.contrib.auth import get_user_model

    from karabakh_site.core.tokens import ApiToken

    build_archive(editor, contributor)
    path = tmp_path / "archive.jsonl"
    call_command("export_archive", path, verbosity=0)
    stranger = get_user_model().objects.create(username="not-in-the-file")
    ApiToken.issue(user=stranger)
    ApiToken.issue(user=editor)

    call_command("import_archive", path, "--force", verbosity=0)

    users = set(get_user_model().objects.values_list("username", flat=True))
    assert users == {editor.username, contributor.username}
    assert not ApiToken.objects.exists()
    assert Article.objects.filter(slug="review").exists()
