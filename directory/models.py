import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Case, Count, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from core.i18n import translated_expression
from core.text import fold_romaji, normalize_for_search
from directory.readings import (
    automatic_reading,
    places_read_as,
    reading_sort_key,
    readings_for_search,
)
from directory.validation import normalize_phone_number, normalize_postal_code

# An entry not confirmed for this long is due for verification.
VERIFICATION_INTERVAL = timedelta(days=365)


class Region(models.Model):
    """One of the six blocks under which CLAIR's page groups the associations."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class PrefectureQuerySet(models.QuerySet):
    def with_association_counts(self):
        """Each prefecture with `association_count`: its published associations, any level."""
        return self.annotate(
            association_count=Count("associations", filter=Q(associations__is_published=True))
        )


class Prefecture(models.Model):
    code = models.CharField(
        _("JIS X 0401 code"),
        max_length=2,
        primary_key=True,
        validators=[RegexValidator(r"^(0[1-9]|[1-3][0-9]|4[0-7])$")],
    )
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=50)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="prefectures", verbose_name=_("region")
    )

    objects = PrefectureQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("prefecture")
        verbose_name_plural = _("prefectures")

    def __str__(self):
        return self.name


class Service(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self):
        return self.name


class Language(models.Model):
    """A language in which an association offers consultation."""

    code = models.CharField(
        _("ISO 639 code"),
        max_length=12,
        unique=True,
        help_text=_("ISO 639-1 where one exists (for example vi, ne), otherwise ISO 639-3."),
    )
    native_name = models.CharField(_("name in its own script"), max_length=50)
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("consultation language")
        verbose_name_plural = _("consultation languages")

    def __str__(self):
        return self.name


# Languages whose pages sort names by their Japanese reading.
JAPANESE_READING_ORDER = ("ja", "ja-easy")


class AssociationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def visible_to(self, user):
        """Published entries; staff who may view associations also see drafts (preview)."""
        if user.is_authenticated and user.has_perm("directory.view_association"):
            return self.all()
        return self.published()

    def verification_due(self, today=None):
        """Never verified, or last verified more than VERIFICATION_INTERVAL ago."""
        today = today or timezone.localdate()
        return self.filter(
            Q(last_verified__isnull=True) | Q(last_verified__lt=today - VERIFICATION_INTERVAL)
        )

    def facts_due(self, today=None):
        """With a service, language or contact detail never checked or not checked for
        VERIFICATION_INTERVAL (a contact without a source counts once it has details)."""
        today = today or timezone.localdate()
        cutoff = today - VERIFICATION_INTERVAL
        contact_due = (Q(contact_checked_on__isnull=True) | Q(contact_checked_on__lt=cutoff)) & (
            ~Q(phone="") | ~Q(fax="") | ~Q(email="") | ~Q(postal_code="")
        )
        return self.filter(
            contact_due
            | Q(pk__in=AssociationService.objects.verification_due(today).values("association"))
            | Q(pk__in=AssociationLanguage.objects.verification_due(today).values("association"))
        )

    def website_broken(self):
        """Checked, and the website answered with an error or not at all."""
        return self.filter(website_checked_at__isnull=False).filter(
            Q(website_status__isnull=True) | Q(website_status__gte=400)
        )

    def website_redirected(self):
        return self.filter(website_status__lt=400).exclude(website_final_url="")

    def website_unchecked(self):
        return self.exclude(website="").filter(website_checked_at__isnull=True)

    def for_detail(self):
        # The facts carry their service or language: the page and its schema.org data
        # (directory/open_data.py) read them, so the plain many-to-many is not fetched too.
        return self.select_related("prefecture__region").prefetch_related(
            models.Prefetch("service_facts", AssociationService.objects.select_related("service")),
            models.Prefetch(
                "language_facts", AssociationLanguage.objects.select_related("language")
            ),
        )

    def in_directory_order(self):
        """CLAIR's page order: by region, prefectural bodies first, then the page's position.

        The level's rank is explicit (LEVEL_RANK), not the accident that "prefecture" sorts
        after "designated_city"."""
        return self.order_by("prefecture__region__order", LEVEL_RANK, "display_order", "pk")

    def in_name_order(self, language_code=None):
        """Grouped by region like the directory, then by name as the visitor reads it.

        The name is the one the page shows, fallbacks included (see translated_expression).
        Japanese pages sort by the names' readings (あいうえお order, name_sort_key), the
        way Japanese readers look names up; code-point order of kanji means nothing to them.
        """
        language_code = language_code or get_language()
        if language_code in JAPANESE_READING_ORDER:
            return self.order_by("prefecture__region__order", "name_sort_key", "pk")
        return self.alias(display_name=translated_expression("name", language_code)).order_by(
            "prefecture__region__order", "display_name", "pk"
        )

    def serving(self, prefecture_codes, city_codes):
        """The prefectural associations of these prefectures and those of these designated
        cities (JIS X 0402 codes): who serves the people living there."""
        return self.filter(
            Q(level=Association.Level.PREFECTURE, prefecture__in=prefecture_codes)
            | Q(level=Association.Level.DESIGNATED_CITY, municipality_code__in=city_codes)
        )

    def search(self, query, *, descriptions=False):
        """Associations matching every term of `query`: in a name (any language, or the
        Japanese name's reading in kana or romaji), the city, the kana or romaji reading of
        their place, or, with `descriptions`, a description. `.name_matches_first()` then
        puts those whose names match every term before the rest."""
        in_names = Q()
        condition = Q()
        for term in normalize_for_search(query).split():
            term_in_names = Q(search_text__contains=term) | Q(
                search_readings__contains=fold_romaji(term)
            )
            term_condition = term_in_names
            # A place name typed in kana or romaji ("よこはま", "kanagawa") finds the
            # associations of that place.
            prefecture_codes, city_codes = places_read_as(term)
            if prefecture_codes:
                term_condition |= Q(prefecture__in=prefecture_codes)
            if city_codes:
                term_condition |= Q(municipality_code__in=city_codes)
            if descriptions:
                term_condition |= Q(search_body__contains=term)
            in_names &= term_in_names
            condition &= term_condition
        if not condition:
            return self.alias(name_rank=Value(0))
        return self.filter(condition).alias(
            name_rank=Case(When(in_names, then=Value(0)), default=Value(1))
        )

    def name_matches_first(self, *, after=()):
        """After a search(): name matches before the rest, each in the current order. With
        `after`, these keys still come first (the listing keeps its regions together)."""
        return self.order_by(*after, "name_rank", *self.query.order_by)


class Association(models.Model):
    class Level(models.TextChoices):
        PREFECTURE = "prefecture", _("Prefecture")
        DESIGNATED_CITY = "designated_city", _("Designated city")

    # Stable across exports (Open Referral HSDS needs a UUID that never changes).
    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), unique=True, max_length=80)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    prefecture = models.ForeignKey(
        Prefecture,
        on_delete=models.PROTECT,
        related_name="associations",
        verbose_name=_("prefecture"),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    municipality_code = models.CharField(
        _("JIS X 0402 municipality code"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$")],
        help_text=_("Five digits without the check digit; designated cities only."),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    fax = models.CharField(_("fax"), max_length=30, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    contact_source_url = models.URLField(
        _("source of the contact details"),
        max_length=500,
        blank=True,
        help_text=_("The page that states the address, phone, fax and e-mail above."),
    )
    contact_checked_on = models.DateField(
        _("contact details checked on"),
        null=True,
        blank=True,
        help_text=_("When someone last read the contact details on that page."),
    )
    services = models.ManyToManyField(
        Service,
        through="AssociationService",
        blank=True,
        related_name="associations",
        verbose_name=_("services"),
    )
    languages = models.ManyToManyField(
        Language,
        through="AssociationLanguage",
        blank=True,
        related_name="associations",
        verbose_name=_("consultation languages"),
    )
    is_published = models.BooleanField(_("published"), default=True)
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    display_order = models.PositiveIntegerField(
        _("position on CLAIR's page"), default=0, db_index=True
    )
    source_note = models.TextField(
        _("sources"), blank=True, help_text=_("Where the facts were confirmed. Staff only.")
    )
    confidence = models.CharField(_("confidence"), max_length=10, blank=True)
    website_status = models.PositiveSmallIntegerField(
        _("website status"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("HTTP status of the last link check; empty when the site did not answer."),
    )
    website_final_url = models.URLField(
        _("website after redirects"), max_length=500, blank=True, editable=False
    )
    website_error = models.CharField(_("website error"), max_length=200, blank=True, editable=False)
    website_checked_at = models.DateTimeField(
        _("website checked"), null=True, blank=True, editable=False
    )
    name_reading = models.CharField(
        _("reading of the Japanese name"),
        max_length=200,
        blank=True,
        validators=[
            RegexValidator(
                # Kana and the long-vowel mark, with the spaces, ・ and Latin letters or
                # digits some names are written with (SenTIA).
                r"^[\u3041-\u3096\u30a1-\u30fa\u30fc\u30fb\u3000 A-Za-z0-9ａ-ｚＡ-Ｚ０-９]*$",
                _("Write the reading in hiragana or katakana."),
            )
        ],
        help_text=_(
            "In hiragana or katakana, without the legal form (公益財団法人…). Japanese pages "
            "sorted by name use it. Leave it empty to use the reading found automatically."
        ),
    )
    # The reading Japanese pages sort by: name_reading, or else the reading SudachiPy finds
    # for name_ja (directory/reading.py). Kept by save(), like search_text.
    name_sort_key = models.CharField(
        _("sort key of the Japanese name"), max_length=200, blank=True, editable=False
    )
    # Names in every language, folded by normalize_for_search(); kept by save() so that one
    # indexed column answers case-, width- and kana-insensitive search on any database.
    search_text = models.TextField(editable=False, blank=True)
    # The Japanese name's reading (name_sort_key) in hiragana and romaji, folded by
    # fold_romaji(), for search by reading (directory/readings.py: readings_for_search).
    search_readings = models.TextField(editable=False, blank=True)
    # The descriptions in every language, folded like search_text: the site search finds an
    # association by them too, after those whose names match.
    search_body = models.TextField(editable=False, blank=True)
    # Kept by save() (refresh_derived_fields), not typed by anyone.
    DERIVED_FIELDS = ("search_text", "name_sort_key", "search_readings", "search_body")
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = AssociationQuerySet.as_manager()

    class Meta:
        ordering = ["prefecture__region__order", "-level", "display_order", "pk"]
        verbose_name = _("association")
        verbose_name_plural = _("associations")
        indexes = [
            # The listing without reading the wide rows: its facet counts (grouped by level
            # and prefecture), the matching ids, and the page's ids in directory order all
            # come from this index alone (PostgreSQL index-only scans).
            models.Index(
                fields=["is_published", "prefecture", "level", "display_order", "id"],
                name="association_listing",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["prefecture"],
                condition=Q(level="prefecture"),
                name="one_prefectural_association_per_prefecture",
            ),
            models.UniqueConstraint(
                fields=["municipality_code"],
                condition=~Q(municipality_code=""),
                name="unique_municipality_code",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *self.DERIVED_FIELDS}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("directory:detail", kwargs={"slug": self.slug})

    def refresh_derived_fields(self):
        """Compute the columns kept for search and sorting (bulk inserts call this too)."""
        self.search_text = self.build_search_text()
        self.name_sort_key = (
            reading_sort_key(self.name_reading)
            if self.name_reading
            else automatic_reading(self.name_ja or "")
        )[: self._meta.get_field("name_sort_key").max_length]
        self.search_readings = readings_for_search(self.name_sort_key)
        self.search_body = normalize_for_search(
            " ".join(
                getattr(self, build_localized_fieldname("description", code), "") or ""
                for code, _name in settings.LANGUAGES
            )
        )

    def clean(self):
        super().clean()
        errors = {}
        for name, normalize in (
            ("postal_code", normalize_postal_code),
            ("phone", normalize_phone_number),
            ("fax", normalize_phone_number),
        ):
            try:
                setattr(self, name, normalize(getattr(self, name)))
            except ValidationError as error:
                errors[name] = error
        if self.website and not self.website.lower().startswith(("https://", "http://")):
            errors["website"] = ValidationError(
                _("Enter the website's address starting with https:// or http://."),
                code="invalid_scheme",
            )
        errors.update(self.level_errors())
        if errors:
            raise ValidationError(errors)

    def level_errors(self):
        """A designated-city association names its city and JIS code; a prefectural one neither."""
        errors = {}
        city_fields = [
            build_localized_fieldname("city", code) for code, _name in settings.LANGUAGES
        ]
        if self.level == self.Level.DESIGNATED_CITY:
            if not self.municipality_code:
                errors["municipality_code"] = _(
                    "A designated-city association needs its city's JIS municipality code."
                )
            if not getattr(self, build_localized_fieldname("city", "ja"), ""):
                errors[build_localized_fieldname("city", "ja")] = _(
                    "A designated-city association needs its city's name in Japanese."
                )
        elif self.level == self.Level.PREFECTURE:
            if self.municipality_code:
                errors["municipality_code"] = _(
                    "A prefectural association has no municipality code; leave it empty."
                )
            for name in city_fields:
                if getattr(self, name, ""):
                    errors[name] = _("A prefectural association has no city; leave it empty.")
        return errors

    @property
    def website_is_broken(self):
        if self.website_checked_at is None:
            return None
        return self.website_status is None or self.website_status >= 400

    @property
    def area_code(self):
        """The stable key used by imports: the city's code, else the prefecture's."""
        return self.municipality_code or self.prefecture_id

    @property
    def is_designated_city(self):
        return self.level == self.Level.DESIGNATED_CITY

    def build_search_text(self):
        parts = [self.short_name, self.slug]
        for code, _name in settings.LANGUAGES:
            parts.append(getattr(self, build_localized_fieldname("name", code), "") or "")
            parts.append(getattr(self, build_localized_fieldname("city", code), "") or "")
        return normalize_for_search(" ".join(part for part in parts if part))


class FactQuerySet(models.QuerySet):
    def verification_due(self, today=None):
        """Never checked, or last checked more than VERIFICATION_INTERVAL ago."""
        today = today or timezone.localdate()
        return self.filter(
            Q(checked_on__isnull=True) | Q(checked_on__lt=today - VERIFICATION_INTERVAL)
        )


class Fact(models.Model):
    """Something a source says about an association: the page that says it, and when it was read.

    The source is empty only on facts recorded before sources were kept (migration 0005);
    the page then says the source is not recorded rather than inventing one.
    """

    source_url = models.URLField(
        _("source"),
        max_length=500,
        blank=True,
        help_text=_("The page that states this fact, so that anyone can check it again."),
    )
    checked_on = models.DateField(
        _("checked on"),
        null=True,
        blank=True,
        help_text=_("When someone last read the fact on that page."),
    )

    objects = FactQuerySet.as_manager()

    class Meta:
        abstract = True


class AssociationService(Fact):
    association = models.ForeignKey(
        Association,
        on_delete=models.CASCADE,
        related_name="service_facts",
        verbose_name=_("association"),
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, verbose_name=_("service"))

    class Meta:
        ordering = ["service__order", "service__slug"]
        verbose_name = _("service offered")
        verbose_name_plural = _("services offered")
        constraints = [
            models.UniqueConstraint(
                fields=["association", "service"], name="one_fact_per_association_service"
            )
        ]

    def __str__(self):
        return f"{self.association} – {self.service}"


class AssociationLanguage(Fact):
    association = models.ForeignKey(
        Association,
        on_delete=models.CASCADE,
        related_name="language_facts",
        verbose_name=_("association"),
    )
    language = models.ForeignKey(
        Language, on_delete=models.CASCADE, verbose_name=_("consultation language")
    )

    class Meta:
        ordering = ["language__order", "language__code"]
        verbose_name = _("consultation language offered")
        verbose_name_plural = _("consultation languages offered")
        constraints = [
            models.UniqueConstraint(
                fields=["association", "language"], name="one_fact_per_association_language"
            )
        ]

    def __str__(self):
        return f"{self.association} – {self.language}"


class HelpLineQuerySet(FactQuerySet):
    def published(self):
        return self.filter(is_published=True)

    def answering_in(self, language):
        return self.published().filter(languages=language)


class HelpLine(Fact):
    """A national multilingual help line: where a resident can still call when no
    association is known to answer in their language. A fact like any other, with the page
    that states it and when it was read."""

    slug = models.SlugField(
        _("slug"), unique=True, help_text=_("Identifies the line in the shipped data.")
    )
    name = models.CharField(_("name"), max_length=200)
    operator = models.CharField(_("run by"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30)
    hours = models.CharField(_("hours"), max_length=200, blank=True)
    languages = models.ManyToManyField(
        Language, blank=True, related_name="help_lines", verbose_name=_("languages")
    )
    website = models.URLField(_("website"), blank=True)
    needs_recheck = models.BooleanField(
        _("to be re-checked"),
        default=False,
        help_text=_(
            "Tick while the details come only from an old or secondary source. The public "
            "page then says they are as reported on the date checked."
        ),
    )
    staff_note = models.TextField(
        _("note for staff"), blank=True, help_text=_("Not shown on the site.")
    )
    is_published = models.BooleanField(_("published"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = HelpLineQuerySet.as_manager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("help line")
        verbose_name_plural = _("help lines")

    def __str__(self):
        return self.name


# The directory's order of levels: the prefectural association first, then the designated
# cities, as on CLAIR's page (AssociationQuerySet.in_directory_order).
LEVEL_RANK = Case(
    When(level=Association.Level.PREFECTURE, then=Value(0)),
    default=Value(1),
    output_field=models.PositiveSmallIntegerField(),
).asc()
