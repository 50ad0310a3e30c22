"""The public listing as one object: the query string in; the page, its facets and total out.

`Listing(request.GET)` binds the listing's public parameters (directory/filters.py), finds
the page on narrow rows, and counts every filter option. What does not depend on the
visitor's query (the places, the filter options' rows) or not on their language (the
counts) is built once per content generation (portal.caching.per_generation): every save
that makes the cached pages stale makes these stale too.

The counts come from three small grouped queries ("cubes"), each keyed by what it depends
on: associations by (prefecture, level), and the service and language links by (option,
prefecture, level). Every facet count and the total are sums over these rows, filtered in
Python by the level, region and prefecture chosen: one `GROUP BY prefecture` serves the
level, region and prefecture facets at once. Without a text search a cube depends only on
the service and language chosen, so it is cached; a text search computes its three.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from core.caching import per_generation
from core.i18n import bcp47, fallback_chain, is_right_to_left, isolate_ltr
from core.languages import BY_CODE
from directory.filters import EMPTY_LABELS, AssociationFilter
from directory.models import Association, Language, Prefecture, Service

SINGLE_VALUED_PARAMETERS = (
    "q",
    "region",
    "prefecture",
    "level",
    "service",
    "language",
    "sort",
    "page",
)
# The fallback notice is for a page mostly in another language; a card or two in Japanese
# among translated ones carry their own `lang` mark and need no sentence at the top.
FALLBACK_NOTICE_SHARE = 0.5
CARD_FIELDS = ("name", "city")


def places():
    """(regions, {code: prefecture}) with each prefecture's region attached, in all
    languages: the options of two filters, and what cards and headings show of a place."""
    return reference()[:2]


def reference():
    """(regions, prefectures, services, languages): the filters' options in every language
    (the labels are chosen per request), built once per content generation."""

    def build():
        regions = {}
        prefectures = {}
        for prefecture in Prefecture.objects.select_related("region").only(
            "code", "name", "region__slug", "region__name", "region__order"
        ):
            # One instance per region, shared by its prefectures (the headings compare them).
            prefecture.region = regions.setdefault(prefecture.region_id, prefecture.region)
            prefectures[prefecture.code] = prefecture
        return (
            sorted(regions.values(), key=lambda region: (region.order, region.pk)),
            prefectures,
            list(Service.objects.only("slug", "name")),
            list(Language.objects.only("code", "name")),
        )

    return per_generation("listing:reference", build)


def pk_of(value):
    return getattr(value, "pk", value)


class CountedPaginator(Paginator):
    """A paginator told its total instead of counting it with a query of its own."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.count = count


@dataclass(slots=True)
class Card:
    """What one listing card shows, resolved in the visitor's language."""

    slug: str
    url: str
    show_name_ja: bool
    name: str
    name_lang: str  # BCP 47 of the name's language when it is not the page's, else ""
    name_dir: str  # its direction when it differs from the page's, else ""
    name_ja: str
    short_name: str
    level: str
    level_label: str
    city: str
    city_lang: str
    city_dir: str
    prefecture: Prefecture
    website: str
    falls_back: bool

    @property
    def is_designated_city(self):
        return self.level == Association.Level.DESIGNATED_CITY

    def html(self, place, right_to_left):
        """The card's <li>, as association_list.html showed it through template tags: here
        one string formatting per card (the tags were the larger part of the page's render
        time: 63 cards, up to 14 tags each). `place` is the prefecture's (text, code, lang,
        dir) from Listing._resolve_place()."""
        name = marked(self.name, self.name_lang, self.name_dir)
        short_name = (
            format_html(
                ' <span class="short-name">({})</span>', isolate_ltr(self.short_name, right_to_left)
            )
            if self.short_name
            else ""
        )
        name_ja = (
            format_html('<p class="association-card__name-ja" lang="ja">{}</p>', self.name_ja)
            if self.show_name_ja
            else ""
        )
        city = (
            format_html("{}, ", marked(self.city, self.city_lang, self.city_dir))
            if self.city
            else ""
        )
        prefecture = marked(place[0], place[2], place[3])
        website = ""
        if self.website:
            hidden_name = (
                format_html('<span lang="{}">{}</span>', self.name_lang, self.name)
                if self.name_lang
                else self.name
            )
            website = format_html(
                '<p><a class="external" href="{}" rel="external noopener">{}'
                '<span class="visually-hidden">: {}</span></a></p>',
                self.website,
                _("Website"),
                hidden_name,
            )
        return format_html(
            '<li class="association-card">'
            '<h4 class="association-card__name"><a href="{}">{}</a>{}</h4>{}'
            '<p class="association-card__meta">{} · {}{}</p>{}</li>',
            self.url,
            name,
            short_name,
            name_ja,
            self.level_label,
            city,
            prefecture,
            website,
        )


def marked(text, lang, direction):
    """`text`, in a <span> with its `lang` (and `dir`) when they differ from the page's."""
    if not lang:
        return conditional_escape(text)
    if direction:
        return format_html('<span lang="{}" dir="{}">{}</span>', lang, direction, text)
    return format_html('<span lang="{}">{}</span>', lang, text)


class Listing:
    """The directory's listing for one query string, in one language."""

    def __init__(self, query, language_code=None):
        self.query = query
        self.language = language_code or get_language()
        self.filterset = AssociationFilter(
            query or None, queryset=Association.objects.published().in_directory_order()
        )

    # What the visitor asked for.

    @cached_property
    def active_filters(self):
        return self.filterset.active_filters()

    @cached_property
    def notices(self):
        return [
            _("“%(name)s” was given more than once; only the last value is used.") % {"name": name}
            for name in SINGLE_VALUED_PARAMETERS
            if len(self.query.getlist(name)) > 1
        ]

    @cached_property
    def filter_errors(self):
        filterset = self.filterset
        if not filterset.is_bound or filterset.is_valid():
            return []
        return [
            _("%(field)s: %(error)s This filter was not applied.")
            % {"field": filterset.form.fields[name].label, "error": " ".join(errors)}
            for name, errors in filterset.form.errors.items()
            if name != "q"
        ]

    @cached_property
    def query_without_page(self):
        query = self.query.copy()
        query.pop("page", None)
        return query.urlencode()

    # Counts.

    def _filtered_by(self, names):
        """The published associations with only these active filters applied."""
        queryset = self.filterset.queryset.order_by()
        for name, value in self.active_filters.items():
            if name in names:
                queryset = self.filterset.filters[name].filter(queryset, value)
        return queryset

    def _cube(self, name, depends_on, group):
        """Rows (*group, count) over the associations matching the filters in `depends_on`;
        cached per content generation unless a text search is among them."""

        def build():
            queryset = self._filtered_by(depends_on)
            if hasattr(queryset, "rewrite"):
                queryset = queryset.rewrite(False)
            rows = queryset.values(*group).annotate(count=Count("pk")).values_list(*group, "count")
            return [row for row in rows if row[0] is not None]

        if "q" in self.active_filters:
            return build()
        key = ":".join(
            [f"listing:cube:{name}"]
            + [f"{dep}={pk_of(self.active_filters.get(dep, ''))}" for dep in depends_on]
        )
        return per_generation(key, build)

    @cached_property
    def counts(self):
        """{filter name: {option key: count}} and "total": each option's count is what
        choosing it would show (taken over the associations matching the *other* filters)."""
        active = self.active_filters
        level = active.get("level")
        region = pk_of(active.get("region"))
        prefecture = pk_of(active.get("prefecture"))
        _regions, prefectures = places()
        region_of = {code: p.region_id for code, p in prefectures.items()}

        def matches(code, row_level, skip):
            return (
                (skip == "level" or level is None or row_level == level)
                and (skip == "region" or region is None or region_of.get(code) == region)
                and (skip == "prefecture" or prefecture is None or code == prefecture)
            )

        counts = {name: {} for name in ("level", "region", "prefecture", "service", "language")}
        total = 0
        for code, row_level, count in self._cube(
            "places", ("q", "service", "language"), ("prefecture", "level")
        ):
            for name, key in (
                ("level", row_level),
                ("region", region_of.get(code)),
                ("prefecture", code),
            ):
                if matches(code, row_level, name):
                    counts[name][key] = counts[name].get(key, 0) + count
            if matches(code, row_level, None):
                total += count
        for name, depends_on in (("service", ("q", "language")), ("language", ("q", "service"))):
            field = {"service": "services", "language": "languages"}[name]
            for key, code, row_level, count in self._cube(
                name, depends_on, (field, "prefecture", "level")
            ):
                if matches(code, row_level, None):
                    counts[name][key] = counts[name].get(key, 0) + count
        counts["total"] = total
        return counts

    @property
    def total(self):
        return self.counts["total"]

    @cached_property
    def facets(self):
        """For every filter, its options (labels in the visitor's language) and counts."""
        active = self.active_filters
        counts = self.counts
        regions, prefectures, services, languages = reference()

        def facet(name, options):
            chosen = pk_of(active.get(name))
            return {
                "name": name,
                "label": self.filterset.form.fields[name].label,
                "empty_label": EMPTY_LABELS[name],
                "options": [
                    {
                        "value": value,
                        "label": label,
                        "count": counts[name].get(key, 0),
                        "selected": chosen is not None and chosen == key,
                    }
                    for value, key, label in options
                ],
            }

        return [
            facet("region", [(r.slug, r.pk, r.name) for r in regions]),
            facet("prefecture", [(p.code, p.code, p.name) for p in prefectures.values()]),
            facet("level", [(value, value, label) for value, label in Association.Level.choices]),
            facet("service", [(s.slug, s.pk, s.name) for s in services]),
            facet("language", [(lang.code, lang.pk, lang.name) for lang in languages]),
        ]

    # The page.

    @cached_property
    def page(self):
        """One page of cards. The page is found on ids alone, then only its rows are loaded,
        with only the columns a card shows in the visitor's language and its fallbacks."""
        results = self.filterset.qs
        if "q" in self.active_filters:
            # Name matches first, within each region so that a region keeps one heading.
            results = results.name_matches_first(after=("prefecture__region__order",))
        page = CountedPaginator(
            results.values("pk"), settings.DIRECTORY_PAGE_SIZE, self.total
        ).get_page(self.query.get("page"))
        rows = results.filter(pk__in=page.object_list)
        if hasattr(rows, "rewrite"):
            rows = rows.rewrite(False)
        page.object_list = self._cards(rows.values(*self._columns()))
        return page

    @cached_property
    def _chain(self):
        return [
            code
            for code in fallback_chain(self.language)
            if code in settings.MODELTRANSLATION_LANGUAGES
        ]

    def _columns(self):
        columns = {"slug", "short_name", "level", "website", "prefecture", "name_ja"}
        for field in CARD_FIELDS:
            columns.update(build_localized_fieldname(field, code) for code in self._chain)
        return sorted(columns)

    def _resolve(self, row, field):
        """(text, code, lang, dir): the first non-empty column along the fallback chain, the
        language it is in, and its `lang` and `dir` marks where they differ from the page's."""
        for code in self._chain:
            text = row.get(build_localized_fieldname(field, code))
            if text:
                return text, code, *self._marks(code)
        return "", self.language, "", ""

    def _resolve_place(self, place):
        """A region's or prefecture's name as _resolve() gives it, once per page."""
        key = (type(place), place.pk)
        found = self._place_names.get(key)
        if found is None:
            row = {
                build_localized_fieldname("name", code): getattr(
                    place, build_localized_fieldname("name", code), ""
                )
                for code in self._chain
            }
            found = self._place_names[key] = self._resolve(row, "name")
        return found

    @cached_property
    def _place_names(self):
        return {}

    @cached_property
    def _mark_cache(self):
        return {}

    def _marks(self, code):
        marks = self._mark_cache.get(code)
        if marks is None:
            if code == self.language:
                marks = ("", "")
            else:
                own = BY_CODE.get(code)
                page = BY_CODE.get(self.language)
                direction = own.direction if own else "ltr"
                differs = direction != (page.direction if page else "ltr")
                marks = (bcp47(code), direction if differs else "")
            self._mark_cache[code] = marks
        return marks

    def _cards(self, rows):
        _regions, prefectures = places()
        prefix, suffix = reverse("directory:detail", kwargs={"slug": "-"}).rsplit("-", 1)
        level_labels = {value: str(label) for value, label in Association.Level.choices}
        cards = []
        for row in rows:
            name, name_code, name_lang, name_dir = self._resolve(row, "name")
            city, city_lang, city_dir = "", "", ""
            if row["level"] == Association.Level.DESIGNATED_CITY:
                city, _code, city_lang, city_dir = self._resolve(row, "city")
            short_name = row["short_name"]
            if short_name:
                # The abbreviation is shown once, after the link, for every association:
                # a name that already ends with it "(HIECC)" loses that ending here.
                for opening, closing in (("(", ")"), ("（", "）")):
                    ending = f"{opening}{short_name}{closing}"
                    if name.endswith(ending):
                        name = name.removesuffix(ending).rstrip()
            cards.append(
                Card(
                    slug=row["slug"],
                    url=f"{prefix}{row['slug']}{suffix}",
                    name=name,
                    name_lang=name_lang,
                    name_dir=name_dir,
                    show_name_ja=name_code != "ja",
                    name_ja=row["name_ja"],
                    short_name=short_name,
                    level=row["level"],
                    level_label=level_labels.get(row["level"], row["level"]),
                    city=city,
                    city_lang=city_lang,
                    city_dir=city_dir,
                    prefecture=prefectures[row["prefecture"]],
                    website=row["website"],
                    falls_back=bool(name_lang or city_lang),
                )
            )
        return cards

    @cached_property
    def region_groups(self):
        """The page's cards under their regions, in page order: the headings, the jump list
        and each card's HTML (Card.html)."""
        groups = []
        rtl = is_right_to_left(self.language)
        for card in self.page.object_list:
            region = card.prefecture.region
            if not groups or groups[-1]["region"] is not region:
                text, _code, lang, direction = self._resolve_place(region)
                groups.append(
                    {"region": region, "name": text, "lang": lang, "dir": direction, "cards": []}
                )
            groups[-1]["cards"].append(card.html(self._resolve_place(card.prefecture), rtl))
        return groups

    @cached_property
    def fallback_languages(self):
        """The languages the page shows instead of the visitor's, when most cards do."""
        cards = self.page.object_list
        falling_back = [card for card in cards if card.falls_back]
        if not cards or len(falling_back) <= len(cards) * FALLBACK_NOTICE_SHARE:
            return []
        used = set()
        for card in falling_back:
            used.update(lang for lang in (card.name_lang, card.city_lang) if lang)
        return [BY_CODE[code] for code in self._chain if bcp47(code) in used and code in BY_CODE]
