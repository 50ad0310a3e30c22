import django_filters
from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from directory.models import Association, Language, Prefecture, Region, Service

MAX_QUERY_LENGTH = 200

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

    class Meta:
        model = Association
        fields = ["q", "region", "prefecture", "level", "service", "language"]

    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    def active_filters(self):
        """The valid, non-empty filter values, by parameter name."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "") and name in self.filters
        }

    def queryset_without(self, excluded):
        """The base queryset with every active filter applied except `excluded`."""
        queryset = self.queryset
        for name, value in self.active_filters().items():
            if name != excluded:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def facets(self):
        """For every filter, its options and how many associations each would give.

        One query per filter whatever the data size: the count for an option is taken over
        the associations matching all the *other* active filters, so an option's number is
        what choosing it would show.
        """
        active = self.active_filters()

        def selected(name, key):
            value = active.get(name)
            return value is not None and getattr(value, "pk", value) == key

        def matching(name):
            return self.queryset_without(name).values("pk")

        regions = Region.objects.annotate(
            count=Count(
                "prefectures__associations",
                filter=Q(prefectures__associations__in=matching("region")),
            )
        )
        prefectures = Prefecture.objects.annotate(
            count=Count("associations", filter=Q(associations__in=matching("prefecture")))
        )
        services = Service.objects.annotate(
            count=Count("associations", filter=Q(associations__in=matching("service")))
        )
        languages = Language.objects.annotate(
            count=Count("associations", filter=Q(associations__in=matching("language")))
        )
        level_counts = dict(
            matching("level").values_list("level").annotate(count=Count("pk")).order_by()
        )
        return [
            self._facet(
                "region", [(r.slug, r.name, r.count, selected("region", r.pk)) for r in regions]
            ),
            self._facet(
                "prefecture",
                [(p.code, p.name, p.count, selected("prefecture", p.pk)) for p in prefectures],
            ),
            self._facet(
                "level",
                [
                    (value, label, level_counts.get(value, 0), active.get("level") == value)
                    for value, label in Association.Level.choices
                ],
            ),
            self._facet(
                "service", [(s.slug, s.name, s.count, selected("service", s.pk)) for s in services]
            ),
            self._facet(
                "language",
                [
                    (lang.code, lang.name, lang.count, selected("language", lang.pk))
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
