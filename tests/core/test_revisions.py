"""Revisions of live items (core.revisions): the live version stays up while a copy goes through
review; publishing the copy writes what it changed into the live item as one version."""

import pytest
from django.core.exceptions import ValidationError

from articles.models import Article, ArticleCitation
from karabakh_site.core import revisions, services
from karabakh_site.core.models import Publishable, WorkflowEvent
from tests.factories import ArticleFactory, SourceFactory, TimelineEntryFactory, TopicFactory

pytestmark = pytest.mark.django_db

Status = Publishable.Status


def live_article(**kwargs):
    kwargs.setdefault("body", "First claim.[^1] Second claim.[^2]")
    return ArticleFactory(citations=2, **kwargs)


def edit(item, by, *, citations=None, relations=None, status=None, **fields):
    for name, value in fields.items():
        setattr(item, name, value)
    services.write_item(item, citations=citations, relations=relations, status=status, by=by)
    return item


def rows(item):
    return [(c.source_id, c.locator, c.quote) for c in item.citations.order_by("position")]


def test_a_revision_is_a_draft_copy_readers_never_see(contributor):
    live = live_article(standfirst="Live standfirst.")
    live.topics.add(TopicFactory())
    revision = revisions.start_revision(live, by=contributor)

    assert revision.pk != live.pk
    assert revision.revision_of == live and revision.status == Status.DRAFT
    assert revision.slug == f"{live.slug}-revision"
    assert revision.standfirst == "Live standfirst." and rows(revision) == rows(live)
    assert set(revision.topics.all()) == set(live.topics.all())
    assert revision.created_by == contributor
    assert list(Article.objects.published()) == [live]
    # One at a time: starting again opens the same revision.
    assert revisions.start_revision(live, by=contributor) == revision


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.WITHDRAWN])
def test_only_a_published_item_gets_a_revision(status, editor):
    item = ArticleFactory(status=Status.PUBLISHED if status == Status.WITHDRAWN else status)
    if status == Status.WITHDRAWN:
        services.withdraw(item, by=editor)
    with pytest.raises(ValidationError, match="Only a published item"):
        revisions.start_revision(item, by=editor)


def test_the_live_version_stays_up_through_review_and_publishing_is_one_version(
    contributor, editor
):
    live = live_article(standfirst="Old standfirst.")
    versions_before = live.history.count()
    revision = revisions.start_revision(live, by=contributor)
    edit(revision, contributor, standfirst="New standfirst.")
    services.submit_for_review(revision, by=contributor)
    live.refresh_from_db()
    assert live.standfirst == "Old standfirst." and live.is_published

    services.return_for_changes(revision, comment="Cite the order.", by=editor)
    services.submit_for_review(revision, by=contributor)
    services.publish(revision, by=editor)

    live.refresh_from_db()
    assert live.standfirst == "New standfirst." and live.is_published
    assert live.slug != revision.slug and live.history.count() == versions_before + 1
    assert not Article.objects.filter(pk=revision.pk).exists()
    event = WorkflowEvent.objects.filter(object_id=live.pk).first()
    assert event.by == editor and "revision by contributor" in event.comment


def test_publishing_through_the_write_saves_the_revision_and_fills_the_live_item(editor):
    live = live_article()
    revision = revisions.start_revision(live, by=editor)
    source = SourceFactory()
    citations = [*revision.citations.order_by("position"), ArticleCitation(source=source)]
    edit(
        revision,
        editor,
        body="First claim.[^1] Second claim.[^2] Third.[^3]",
        citations=citations,
        status=Status.PUBLISHED,
    )
    assert revision.published_into == live and revision.revision_refusal is None
    live.refresh_from_db()
    assert live.body.endswith("Third.[^3]") and live.citations.count() == 3
    assert rows(live)[2][0] == source.pk
    assert not Article.objects.filter(slug=revision.slug).exists()


def test_kept_citations_are_updated_in_place(editor):
    live = live_article()
    first_id = live.citations.order_by("position").first().pk
    revision = revisions.start_revision(live, by=editor)
    quoted = list(revision.citations.order_by("position"))
    quoted[0].quote = "The exact words."
    edit(revision, editor, citations=quoted)
    services.publish(revision, by=editor)
    first = live.citations.order_by("position").first()
    assert first.pk == first_id and first.quote == "The exact words."


def test_a_live_change_the_revision_left_alone_is_kept(editor, contributor):
    live = live_article(title="Live title", standfirst="Old standfirst.")
    revision = revisions.start_revision(live, by=contributor)
    edit(revision, contributor, standfirst="Revised standfirst.")
    edit(live, editor, title="Corrected live title")

    services.publish(revision, by=editor)
    live.refresh_from_db()
    assert (live.title, live.standfirst) == ("Corrected live title", "Revised standfirst.")


def test_the_same_thing_changed_both_ways_is_refused_unless_confirmed(editor, contributor):
    live = live_article(standfirst="Old standfirst.")
    revision = revisions.start_revision(live, by=contributor)
    edit(revision, contributor, standfirst="The revision's standfirst.")
    edit(live, editor, standfirst="The live correction.")

    with pytest.raises(ValidationError, match="changed too, in: Standfirst"):
        services.publish(revision, by=editor)
    live.refresh_from_db()
    assert live.standfirst == "The live correction."
    assert Article.objects.filter(pk=revision.pk).exists()

    revisions.publish_revision(revision, by=editor, overwrite=True)
    live.refresh_from_db()
    assert live.standfirst == "The revision's standfirst."


def test_a_conflict_found_when_saving_keeps_the_revisions_edits(editor, contributor):
    live = live_article(standfirst="Old standfirst.")
    revision = revisions.start_revision(live, by=contributor)
    edit(live, editor, standfirst="The live correction.")
    revision.standfirst = "Typed in the form."
    with pytest.raises(ValidationError, match="changed too"):
        services.write_item(revision, status=Status.PUBLISHED, by=editor)
    revision.refresh_from_db()
    assert revision.status == Status.DRAFT


def test_rewritten_markers_conflict_with_renumbered_live_citations(editor, contributor):
    live = live_article()
    revision = revisions.start_revision(live, by=contributor)
    edit(revision, contributor, body="Second claim first.[^2] Then the first.[^1]")
    reordered = list(reversed(live.citations.order_by("position")))
    edit(live, editor, body="First claim.[^2] Second claim.[^1]", citations=reordered)
    with pytest.raises(ValidationError, match="Citations"):
        services.publish(revision, by=editor)


def test_the_source_rule_holds_for_what_goes_live(editor):
    live = ArticleFactory(citations=1, body="No marker.")
    revision = revisions.start_revision(live, by=editor)
    # A draft may have no citation; the live item it would become may not.
    edit(revision, editor, citations=[])
    with pytest.raises(ValidationError, match="source"):
        services.publish(revision, by=editor)
    assert live.citations.count() == 1


def test_a_revision_cannot_be_withdrawn(editor):
    revision = revisions.start_revision(ArticleFactory(), by=editor)
    with pytest.raises(ValidationError, match="delete it"):
        services.withdraw(revision, by=editor)


def test_links_follow_the_revision(editor):
    entry = TimelineEntryFactory()
    kept, added = TopicFactory(), TopicFactory()
    entry.topics.add(kept)
    revision = revisions.start_revision(entry, by=editor)
    edit(revision, editor, relations={"topics": [kept, added]})
    services.publish(revision, by=editor)
    assert set(entry.topics.all()) == {kept, added}


def test_an_unchanged_revision_writes_no_version(editor):
    live = live_article()
    count = live.history.count()
    revision = revisions.start_revision(live, by=editor)
    services.publish(revision, by=editor)
    assert live.history.count() == count
    assert "changed nothing" in WorkflowEvent.objects.filter(object_id=live.pk).first().comment


def test_a_correction_added_with_the_revision_goes_to_the_live_item(editor):
    from tests.factories import CorrectionFactory

    live = live_article()
    revision = revisions.start_revision(live, by=editor)
    correction = CorrectionFactory(article=revision)
    services.publish(revision, by=editor)
    correction.refresh_from_db()
    assert correction.article == live


def test_a_revision_that_would_break_the_rules_is_refused_before_anything_is_written(editor):
    live = live_article(body="A.[^1]")
    revision = revisions.start_revision(live, by=editor)
    live.body = "A.[^1] B.[^2]"
    services.write_item(live, by=editor)
    # The revision drops the second citation the live text now cites.
    revision.standfirst = "Revised."
    kept = list(revision.citations.order_by("position"))[:1]
    with pytest.raises(ValidationError):
        services.write_item(revision, citations=kept, status=Status.PUBLISHED, by=editor)
    revision.refresh_from_db()
    assert revision.status == Status.DRAFT and revision.standfirst != "Revised."
