"""factory_boy factories for every model.

Content factories build a draft, add ``citations`` citations (one by default), and only then apply
the requested status through the workflow services (services.publish, which the one writer,
services.ItemWrite, also moves items through): a published factory item obeys the source rule like
any other.
"""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, ArticleCitation, Correction
from faq.models import FAQCitation, FAQEntry, FAQGroup
from karabakh_site.core import claims, services
from karabakh_site.core.models import Claim, Perspective, Publishable, Source, Topic
from timeline.models import Place, TimelineCitation, TimelineEntry


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    description = "A topic of the archive."


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report number {n}")
    url = factory.Sequence(lambda n: f"https://news.example.org/reports/{n}")
    publisher = "Example News Agency"
    published_date = datetime.date(2023, 9, 20)
    language = "en"
    kind = Source.Kind.NEWS_AGENCY


class ClaimFactory(factory.django.DjangoModelFactory):
    """A contested claim with ``positions`` positions (one by default), each citing a source of
    its own, written through the claims service as every channel writes them."""

    class Meta:
        model = Claim

    slug = factory.Sequence(lambda n: f"claim-{n}")
    statement = factory.Sequence(lambda n: f"Contested claim {n}")
    kind = Claim.Kind.CHARACTERISATION
    positions = 1

    @classmethod
    def _create(cls, model_class, *args, positions, **kwargs):
        perspective, _ = Perspective.objects.get_or_create(
            slug="academic", defaults={"name": "Academic"}
        )
        return claims.write_claim(
            model_class(*args, **kwargs),
            [
                {"holder": f"Holder {n}", "perspective": perspective, "says": f"View {n}.",
                 "sources": [SourceFactory()]}
                for n in range(1, positions + 1)
            ],
        )  # fmt: skip


class PublishableFactory(factory.django.DjangoModelFactory):
    """Creates the item as a draft, cites it, then moves it to ``status``."""

    class Meta:
        abstract = True

    status = Publishable.Status.PUBLISHED
    citations = 1

    @classmethod
    def _build(cls, model_class, *args, citations, **kwargs):
        return model_class(*args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, status, citations, publish_at=None, **kwargs):
        item = model_class.objects.create(*args, status=Publishable.Status.DRAFT, **kwargs)
        field = cls._meta.citation_model.item_field
        for position in range(1, citations + 1):
            cls._meta.citation_model.objects.create(
                **{field: item}, source=SourceFactory(), position=position
            )
        if status == Publishable.Status.PUBLISHED:
            services.publish(item, at=publish_at or timezone.now() - datetime.timedelta(hours=1))
        elif status != Publishable.Status.DRAFT:
            item.status = status
            item.publish_at = publish_at
            item.save()
        return item


class ArticleFactory(PublishableFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    standfirst = "What happened, in one sentence."
    body = "A claim that needs a source.[^1]"


ArticleFactory._meta.citation_model = ArticleCitation


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    article = factory.SubFactory(ArticleFactory)
    date = datetime.date(2026, 1, 15)
    text = "An earlier version gave the wrong date."


class FAQGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FAQGroup
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Group {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")
    position = factory.Sequence(int)


class FAQEntryFactory(PublishableFactory):
    class Meta:
        model = FAQEntry

    question = factory.Sequence(lambda n: f"Question number {n}?")
    slug = factory.Sequence(lambda n: f"question-{n}")
    answer = "An answer with a source.[^1]"
    group = factory.SubFactory(FAQGroupFactory)
    position = factory.Sequence(int)


FAQEntryFactory._meta.citation_model = FAQCitation


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place
        django_get_or_create = ["slug"]

    slug = "shusha"
    name_en = "Shusha"
    name_en_alt = "Shushi"
    name_hy = "Շուշի"
    name_az = "Şuşa"
    name_ru = "Шуша"


class TimelineEntryFactory(PublishableFactory):
    class Meta:
        model = TimelineEntry

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    date = datetime.date(2023, 9, 19)
    date_precision = TimelineEntry.Precision.DAY
    summary = "Something happened.[^1]"
    category = TimelineEntry.Category.MILITARY


TimelineEntryFactory._meta.citation_model = TimelineCitation
