from django.shortcuts import get_object_or_404, render

from core.preview import mark_as_preview
from directory.forms import PostalCodeForm
from directory.listing import Listing
from directory.models import Association
from directory.postal import find_places, format_postal_code, serving_areas


def association_list(request):
    listing = Listing(request.GET)
    return render(
        request,
        "directory/association_list.html",
        {"listing": listing, "filterset": listing.filterset, "page_obj": listing.page},
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
