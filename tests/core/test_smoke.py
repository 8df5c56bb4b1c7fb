from tests.factories import ArticleFactory, FAQEntryFactory, TimelineEntryFactory


def test_factories_build_published_items_with_a_source(db):
    for factory in (ArticleFactory, FAQEntryFactory, TimelineEntryFactory):
        item = factory()
        assert item.is_published
        assert item.citations.count() == 1
