from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from directory.filters import AssociationFilter
from directory.models import Association
from portal.preview import mark_as_preview

SINGLE_VALUED_PARAMETERS = ("q", "region", "prefecture", "level", "service", "language", "page")


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


def association_list(request):
    filterset = AssociationFilter(
        request.GET or None, queryset=Association.objects.published().in_directory_order()
    )
    notices = repeated_parameter_messages(request.GET)
    page = Paginator(filterset.qs.for_listing(), settings.DIRECTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
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
