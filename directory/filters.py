"""The listing's public query parameters; directory/listing.py counts and pages them."""

import django_filters
from django import forms
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
