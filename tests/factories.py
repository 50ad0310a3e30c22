"""Objects for tests that need one association, page or enquiry, not all the shipped data.

`real_data` (tests/conftest.py) installs every shipped fixture; a test about the shipped data
itself (the 63 associations, their real names and facts, the filter counts, the open data)
uses it. Any other test builds what it needs here, in one line, and says in its own arguments
the values it asserts on (docs/testing.md, "Factories and fixtures").

Translated fields are modeltranslation's columns: `name_ja`, `name_en`, … (directory/
translation.py, pages/translation.py, enquiries/translation.py). The factories fill Japanese,
the language every row must have, and English; a test that needs another language passes
it (`name_vi=…`).

Sequences restart at 0 in every test (`reset_sequences`, called by tests/conftest.py), so a
test's objects are the same whichever tests ran before it in the worker, and a prefecture
code drawn by a sequence is the same in every run.
"""

import uuid

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from directory.models import (
    Association,
    AssociationLanguage,
    AssociationService,
    Language,
    Prefecture,
    Region,
    Service,
)
from enquiries.models import Division, Enquiry, Topic
from pages.models import Page, ResourceLink


class ListedFactory(DjangoModelFactory):
    """Rows staff list in an order under a slug (regions, services, topics), named
    "<noun> n" in English and "<名詞>n" in Japanese. Asking twice for one slug in a test
    gives one row, as in the real data: RegionFactory(slug="kanto")."""

    class Meta:
        abstract = True
        django_get_or_create = ("slug",)

    class Params:
        noun_ja = "項目"
        noun_en = "Item"

    slug = factory.LazyAttributeSequence(lambda o, n: f"{o.noun_en.lower()}-{n}")
    name_ja = factory.LazyAttributeSequence(lambda o, n: f"{o.noun_ja}{n}")
    name_en = factory.LazyAttributeSequence(lambda o, n: f"{o.noun_en} {n}")
    order = factory.Sequence(lambda n: n)


class RegionFactory(ListedFactory):
    class Meta:
        model = Region

    class Params:
        noun_ja = "地域"
        noun_en = "Region"


class PrefectureFactory(DjangoModelFactory):
    """A prefecture with a JIS X 0401 code (01–47, the model's validator): pass `code` when
    the test means a real one (a postal code, a filter in a URL). Made once per test and
    passed on: two associations in one prefecture share the object, not just its code."""

    class Meta:
        model = Prefecture

    code = factory.Sequence(lambda n: f"{n % 47 + 1:02d}")
    slug = factory.LazyAttribute(lambda o: f"prefecture-{o.code}")
    name_ja = factory.LazyAttribute(lambda o: f"県{o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Prefecture {o.code}")
    region = factory.SubFactory(RegionFactory)


class ServiceFactory(ListedFactory):
    class Meta:
        model = Service

    class Params:
        noun_ja = "サービス"
        noun_en = "Service"


def local_use_code(n):
    """ISO 639-2 reserves qaa–qtz for local use: a made-up language never takes a real code
    (vi, ne…) that another object in the test means."""
    return f"q{'abcdefghijklmnopqrst'[n // 26 % 20]}{'abcdefghijklmnopqrstuvwxyz'[n % 26]}"


class LanguageFactory(DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = factory.Sequence(local_use_code)
    native_name = factory.Sequence(lambda n: f"Language {n}")
    name_ja = factory.Sequence(lambda n: f"言語{n}")
    name_en = factory.Sequence(lambda n: f"Language {n}")
    order = factory.Sequence(lambda n: n)


class AssociationFactory(DjangoModelFactory):
    """A published prefectural association, in a prefecture of its own (the database allows
    one prefectural association per prefecture). `designated_city=True` makes a city's.

    `services=[…]` and `languages=[…]` record each as a fact with its source and date, the
    way the shipped data does (AssociationServiceFactory, AssociationLanguageFactory).
    """

    class Meta:
        model = Association
        # The facts below are rows of their own: nothing on the association to save again.
        skip_postgeneration_save = True

    class Params:
        # What Association.clean() requires of a designated city's association: the city's
        # name in Japanese and a JIS X 0402 code. 9xxxx is no real code (those begin with the
        # prefecture's 01–47), so a test's city never matches a real postal code's.
        designated_city = factory.Trait(
            level=Association.Level.DESIGNATED_CITY,
            municipality_code=factory.Sequence(lambda n: f"9{n % 10000:04d}"),
            city_ja=factory.Sequence(lambda n: f"市{n}"),
            city_en=factory.Sequence(lambda n: f"City {n}"),
        )

    slug = factory.Sequence(lambda n: f"association-{n}")
    name_ja = factory.Sequence(lambda n: f"国際交流協会{n}")
    name_en = factory.Sequence(lambda n: f"International Association {n}")
    level = Association.Level.PREFECTURE
    prefecture = factory.SubFactory(PrefectureFactory)
    # example.org is reserved for examples (RFC 2606): nothing a test renders or sends can
    # point at a real association's site or mailbox.
    website = factory.LazyAttribute(lambda o: f"https://{o.slug}.example.org/")
    email = factory.LazyAttribute(lambda o: f"info@{o.slug}.example.org")
    display_order = factory.Sequence(lambda n: n + 1)

    @factory.post_generation
    def services(self, create, extracted, **kwargs):
        for service in extracted or ():
            AssociationServiceFactory(association=self, service=service)

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        for language in extracted or ():
            AssociationLanguageFactory(association=self, language=language)


class KanagawaFactory(PrefectureFactory):
    """Kanagawa (14) in Kanto, named as shipped: the prefecture of the associations below,
    made once per test whichever of them asks (or found, after the `topics` fixture)."""

    class Meta:
        django_get_or_create = ("code",)

    code = "14"
    slug = "kanagawa"
    name_ja = "神奈川県"
    name_en = "Kanagawa"
    region = factory.SubFactory(RegionFactory, slug="kanto", name_ja="関東", name_en="Kanto")


class KanagawaAssociationFactory(AssociationFactory):
    """Kanagawa's prefectural association, named as shipped."""

    slug = "kanagawa"
    name_ja = "公益財団法人かながわ国際交流財団"
    name_en = "Kanagawa International Foundation"
    prefecture = factory.SubFactory(KanagawaFactory)


class YokohamaFactory(AssociationFactory):
    """Yokohama's association, named as shipped, with the city's real JIS code (14100): the
    one a postal code of Yokohama (231-0023) leads to, and the one most tests of a single
    association are about."""

    slug = "yokohama-city"
    level = Association.Level.DESIGNATED_CITY
    municipality_code = "14100"
    name_ja = "公益財団法人横浜市国際交流協会"
    name_en = "Yokohama Association for International Communications and Exchanges"
    city_ja = "横浜市"
    city_en = "Yokohama"
    prefecture = factory.SubFactory(KanagawaFactory)


class FactFactory(DjangoModelFactory):
    """Where a fact was read and when: today, so that no fact is due for verification
    (VERIFICATION_INTERVAL) whatever day the suite runs."""

    class Meta:
        abstract = True

    association = factory.SubFactory(AssociationFactory)
    source_url = factory.LazyAttribute(lambda o: f"https://{o.association.slug}.example.org/about")
    checked_on = factory.LazyFunction(timezone.localdate)


class AssociationServiceFactory(FactFactory):
    class Meta:
        model = AssociationService

    service = factory.SubFactory(ServiceFactory)


class AssociationLanguageFactory(FactFactory):
    class Meta:
        model = AssociationLanguage

    language = factory.SubFactory(LanguageFactory)


class DivisionFactory(DjangoModelFactory):
    """A CLAIR division. Not the default one unless `is_default=True` (the database allows one
    default: the division in every page's footer, which receives unrouted enquiries)."""

    class Meta:
        model = Division

    name_ja = factory.Sequence(lambda n: f"課{n}")
    name_en = factory.Sequence(lambda n: f"Division {n}")
    organisation_ja = "一般財団法人自治体国際化協会"
    organisation_en = "Council of Local Authorities for International Relations (CLAIR)"
    # Where enquiries routed here are sent: example.org (RFC 2606), never a real mailbox.
    mailboxes = factory.Sequence(lambda n: f"division-{n}@example.org")


class TopicFactory(ListedFactory):
    class Meta:
        model = Topic

    class Params:
        noun_ja = "話題"
        noun_en = "Topic"

    division = factory.SubFactory(DivisionFactory)


class EnquiryFactory(DjangoModelFactory):
    """A stored enquiry, as EnquiryForm.save() writes one after "Send enquiry", but without
    its e-mails: call `enquiry.schedule_deliveries()` for those. The reference is the model's
    own (new_reference), drawn at random like every real one."""

    class Meta:
        model = Enquiry

    # The signed form's one-time key; a fresh one is a first submission.
    submission_key = factory.LazyFunction(uuid.uuid4)
    topic = factory.SubFactory(TopicFactory)
    # Routed as the form routes it: to the topic's division.
    division = factory.LazyAttribute(lambda o: o.topic.division)
    name = factory.Sequence(lambda n: f"Resident {n}")
    # example.net, like the form tests' resident (tests/enquiries/conftest.py): no real person.
    email = factory.Sequence(lambda n: f"resident{n}@example.net")
    reply_language = "en"
    message = "Where can I learn Japanese?"
    # The form stores nothing until the privacy notice is accepted.
    privacy_notice_accepted = factory.LazyFunction(timezone.now)


class PageFactory(DjangoModelFactory):
    """A published content page: most tests open it as a visitor. A draft says
    `is_published=False` (the model's own default)."""

    class Meta:
        model = Page

    slug = factory.Sequence(lambda n: f"page-{n}")
    title_ja = factory.Sequence(lambda n: f"ページ{n}")
    title_en = factory.Sequence(lambda n: f"Page {n}")
    body_ja = "本文です。"
    body_en = "The body."
    is_published = True
    order = factory.Sequence(lambda n: n)


class ResourceLinkFactory(DjangoModelFactory):
    class Meta:
        model = ResourceLink

    page = factory.SubFactory(PageFactory)
    title_ja = factory.Sequence(lambda n: f"リンク{n}")
    title_en = factory.Sequence(lambda n: f"Link {n}")
    url = factory.Sequence(lambda n: f"https://resource-{n}.example.org/")
    order = factory.Sequence(lambda n: n)


FACTORIES = [
    RegionFactory,
    PrefectureFactory,
    ServiceFactory,
    LanguageFactory,
    AssociationFactory,
    AssociationServiceFactory,
    AssociationLanguageFactory,
    DivisionFactory,
    TopicFactory,
    EnquiryFactory,
    PageFactory,
    ResourceLinkFactory,
]


def reset_sequences():
    for model_factory in FACTORIES:
        model_factory.reset_sequence()
