from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from core.preview import mark_as_preview
from directory.filters import AssociationFilter
from directory.forms import PostalCodeForm
from directory.models import Association
from directory.postal import find_places, format_postal_code, serving_areas

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


def repeated_parameter_messages(query):
    return [
        _("“%(name)s” was given more than once; only the last value is used.") % {"name": name}
        for name in SINGLE_VALUED_PARAMETERS
        if len(query.getlist(name)) > 1
    ]


def filter_error_messages(filterset):
    if not filterset.is_bound or filterset.is_valid():
        return []
    return [
        _("%(field)s: %(error)s This filter was not applied.")
        % {"field": filterset.form.fields[name].label, "error": " ".join(errors)}
        for name, errors in filterset.form.errors.items()
        if name != "q"
    ]


class CountedPaginator(Paginator):
    """A paginator told its total instead of counting it with a query of its own."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.count = count


def listing_page(filterset, number):
    """One page of the filtered listing, with what its cards show.

    The page is found on narrow rows (ids in the listing's order), then only its rows are
    loaded: sorting every matching row with all its columns to keep a hundred was most of
    the query's time with 10,000 associations. The total comes from the facet counts.
    """
    results = filterset.qs
    page = CountedPaginator(
        results.values("pk"), settings.DIRECTORY_PAGE_SIZE, filterset.result_count()
    ).get_page(number)
    _regions, prefectures = filterset.places()
    page.object_list = results.filter(pk__in=page.object_list).for_listing(prefectures)
    return page


def association_list(request):
    filterset = AssociationFilter(
        request.GET or None, queryset=Association.objects.published().in_directory_order()
    )
    notices = repeated_parameter_messages(request.GET)
    page = listing_page(filterset, request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "directory/association_list.html",
        {
            "filterset": filterset,
            "facets": filterset.facets(),
            "active_filters": filterset.active_filters(),
            "page_obj": page,
            "notices": notices,
            "filter_errors": filter_error_messages(filterset),
            "query_without_page": query_without_page.urlencode(),
        },
    )


def association_detail(request, slug):
    association = get_object_or_404(
        Association.objects.visible_to(request.user).for_detail(), slug=slug
    )
    response = render(request, "directory/association_detail.html", {"association": association})
    return mark_as_preview(response, association)


def serving(request):
    """Which associations serve me? From a postal code to the associations for that address."""
    form = PostalCodeForm(request.GET or None)
    areas = None
    postal_code = None
    if form.is_valid():
        postal_code = format_postal_code(form.cleaned_data["postal_code"])
        areas = serving_areas(find_places(form.cleaned_data["postal_code"]))
    return render(
        request,
        "directory/serving.html",
        {"form": form, "areas": areas, "postal_code": postal_code},
    )
