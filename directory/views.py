from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from core.preview import mark_as_preview
from directory.forms import PostalCodeForm
from directory.listing import Listing
from directory.models import Association
from directory.postal import find_places, format_postal_code, language_help, serving_areas


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


def visitor_consultation_language():
    """The catalogue code matching the page's language (zh-hans → zh, pt-br → pt), offered
    first; Japanese is not a language anyone asks for help in on this page."""
    code = get_language()
    return None if code.startswith("ja") else code.split("-")[0]


def serving(request):
    """Which associations serve me? From a postal code to the associations for that address,
    and whether they answer in the visitor's language (`language`, optional)."""
    if "postal_code" in request.GET:
        form = PostalCodeForm(request.GET)
    else:
        # Arriving with a language chosen (from the listing), nothing typed yet: no errors.
        form = PostalCodeForm(
            initial={"language": request.GET.get("language") or visitor_consultation_language()}
        )
    areas = None
    postal_code = None
    help_in_language = None
    if form.is_bound:
        form.is_valid()
        # A language not on the list is reported next to its field; the address still counts.
        code = form.cleaned_data.get("postal_code")
        if code:
            postal_code = format_postal_code(code)
            areas = serving_areas(find_places(code))
            language = form.cleaned_data.get("language")
            if language and areas:
                help_in_language = language_help(areas, language)
    return render(
        request,
        "directory/serving.html",
        {
            "form": form,
            "areas": areas,
            "postal_code": postal_code,
            "help_in_language": help_in_language,
        },
    )
