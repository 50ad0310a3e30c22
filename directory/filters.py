import django_filters
from django import forms
from django.db.models import BigIntegerField, CharField, Count, F, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from directory.models import Association, Language, Prefecture, Region, Service

MAX_QUERY_LENGTH = 200

# Parameters that order the results rather than filter them.
ORDERINGS = {"sort"}

EMPTY_LABELS = {
    "region": _("All regions"),
    "prefecture": _("All prefectures"),
    "level": _("All levels"),
    "service": _("All services"),
    "language": _("All languages"),
}


class AssociationFilter(django_filters.FilterSet):
    """The listing's public query parameters: a stable interface people bookmark and share."""

    q = django_filters.CharFilter(
        label=_("Name or city"),
        method="filter_text",
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _(
                "Search for at most %(limit_value)d characters; this search was not applied."
            )
        },
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        field_name="prefecture__region",
        to_field_name="slug",
        queryset=Region.objects.all(),
    )
    prefecture = django_filters.ModelChoiceFilter(
        label=_("Prefecture"),
        field_name="prefecture",
        to_field_name="code",
        queryset=Prefecture.objects.all(),
    )
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Association.Level.choices)
    service = django_filters.ModelChoiceFilter(
        label=_("Service"),
        field_name="services",
        to_field_name="slug",
        queryset=Service.objects.all(),
    )
    language = django_filters.ModelChoiceFilter(
        label=_("Consultation language"),
        field_name="languages",
        to_field_name="code",
        queryset=Language.objects.all(),
    )

    sort = django_filters.ChoiceFilter(
        label=_("Order"),
        method="sort_results",
        choices=[("name", _("By name"))],
        empty_label=_("As on CLAIR’s list"),
    )

    class Meta:
        model = Association
        fields = ["q", "region", "prefecture", "level", "service", "language", "sort"]

    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    def sort_results(self, queryset, name, value):
        return queryset.in_name_order() if value == "name" else queryset

    def active_filters(self):
        """The valid, non-empty filter values, by parameter name."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "") and name in self.filters and name not in ORDERINGS
        }

    def queryset_without(self, excluded):
        """The base queryset with every active filter applied except `excluded`."""
        queryset = self.queryset
        for name, value in self.active_filters().items():
            if name != excluded:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def facet_counts(self):
        """How many associations each option of each filter would give, in one query.

        {filter name: {option key: count}}: level values and prefecture codes for level,
        region and prefecture (regions are summed from their prefectures), ids for services
        and languages. The count for an option is taken over the associations matching all
        the *other* active filters, so an option's number is what choosing it would show.
        Grouped on the association side (narrow rows from the `association_listing` index)
        and on the many-to-many tables, all in one UNION ALL: with 10,000 associations about
        a quarter of the time of joining each reference table to every matching association
        (docs/performance.md).
        """
        if not hasattr(self, "_facet_counts"):
            self._facet_counts = self._count_facets()
        return self._facet_counts

    def _count_facets(self):
        counts = {name: {} for name in ("level", "region", "prefecture", "service", "language")}
        for name, text_key, id_key, count in self.facet_count_query():
            counts[name][text_key if id_key is None else id_key] = count
        return counts

    def facet_count_query(self):
        """(filter name, text key, id key, count) rows for facet_counts(), as one query."""

        def grouped(name, queryset, key, numeric=False):
            if hasattr(queryset, "rewrite"):
                # modeltranslation's values() would reorder the columns, which UNION needs
                # in the same order in every part; none of these is a translated field.
                queryset = queryset.rewrite(False)
            # Text keys (level, prefecture code) and numeric ids in columns of their own:
            # grouping on the bare column, no cast per row.
            keys = {
                # Typed NULLs: PostgreSQL cannot match an untyped NULL column with bigint.
                "text_key": Cast(Value(None), CharField()),
                "id_key": Cast(Value(None), BigIntegerField()),
            }
            keys["id_key" if numeric else "text_key"] = F(key)
            return (
                queryset.order_by()
                .annotate(facet=Value(name, output_field=CharField()), **keys)
                .values("facet", "text_key", "id_key")
                .annotate(count=Count("*"))
                .values_list("facet", "text_key", "id_key", "count")
            )

        def matching_pks(name):
            return self.queryset_without(name).order_by().values("pk")

        parts = [
            grouped("level", self.queryset_without("level"), "level"),
            # Regions are summed from their prefectures below: no join to count them.
            grouped("region", self.queryset_without("region"), "prefecture"),
            grouped("prefecture", self.queryset_without("prefecture"), "prefecture"),
            grouped(
                "service",
                Association.services.through.objects.filter(
                    association__in=matching_pks("service")
                ),
                "service",
                numeric=True,
            ),
            grouped(
                "language",
                Association.languages.through.objects.filter(
                    association__in=matching_pks("language")
                ),
                "language",
                numeric=True,
            ),
        ]
        return parts[0].union(*parts[1:], all=True)

    def result_count(self):
        """The number of matching associations, from the level counts (no query of its own).

        The level counts cover every association matching the other filters; without a
        level filter that is the result, with one it is that level's count.
        """
        levels = self.facet_counts()["level"]
        level = self.active_filters().get("level")
        return levels.get(level, 0) if level else sum(levels.values())

    def places(self):
        """(regions, {code: prefecture}) with each prefecture's region attached: the options
        of two filters, and what the listing's cards and headings show of a place."""
        if not hasattr(self, "_places"):
            regions = list(Region.objects.only("slug", "name"))
            by_id = {region.pk: region for region in regions}
            prefectures = {}
            for prefecture in Prefecture.objects.only("code", "name", "region"):
                prefecture.region = by_id[prefecture.region_id]
                prefectures[prefecture.code] = prefecture
            self._places = (regions, prefectures)
        return self._places

    def facets(self):
        """For every filter, its options and how many associations each would give.

        One query for the counts (facet_counts) and one per reference table, whatever the
        data size.
        """
        active = self.active_filters()
        counts = self.facet_counts()

        def selected(name, key):
            value = active.get(name)
            return value is not None and getattr(value, "pk", value) == key

        def count(name, key):
            return counts[name].get(key, 0)

        regions, prefectures = self.places()
        prefectures = prefectures.values()
        # Only what the options show: the translated names bring all their languages.
        services = Service.objects.only("slug", "name")
        languages = Language.objects.only("code", "name")
        region_counts = {}
        for prefecture in prefectures:
            region_counts[prefecture.region_id] = region_counts.get(
                prefecture.region_id, 0
            ) + count("region", prefecture.code)
        return [
            self._facet(
                "region",
                [
                    (r.slug, r.name, region_counts.get(r.pk, 0), selected("region", r.pk))
                    for r in regions
                ],
            ),
            self._facet(
                "prefecture",
                [
                    (p.code, p.name, count("prefecture", p.code), selected("prefecture", p.pk))
                    for p in prefectures
                ],
            ),
            self._facet(
                "level",
                [
                    (value, label, count("level", value), active.get("level") == value)
                    for value, label in Association.Level.choices
                ],
            ),
            self._facet(
                "service",
                [
                    (s.slug, s.name, count("service", s.pk), selected("service", s.pk))
                    for s in services
                ],
            ),
            self._facet(
                "language",
                [
                    (
                        lang.code,
                        lang.name,
                        count("language", lang.pk),
                        selected("language", lang.pk),
                    )
                    for lang in languages
                ],
            ),
        ]

    def _facet(self, name, options):
        field = self.form.fields[name]
        return {
            "name": name,
            "label": field.label,
            "empty_label": EMPTY_LABELS[name],
            "options": [
                {"value": value, "label": label, "count": count, "selected": is_selected}
                for value, label, count, is_selected in options
            ],
        }
