from django.shortcuts import render

from directory.models import Association, Region


def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "association_count": Association.objects.published().count(),
            "regions": Region.objects.all(),
        },
    )
