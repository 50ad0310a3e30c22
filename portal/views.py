from django.shortcuts import get_object_or_404, render

from directory.models import Association, Region
from portal.models import Page


def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "association_count": Association.objects.published().count(),
            "regions": Region.objects.all(),
        },
    )


def page(request, slug):
    return render(
        request,
        "portal/page.html",
        {"page": get_object_or_404(Page.objects.published(), slug=slug)},
    )
