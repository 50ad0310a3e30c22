"""The portal's URLs plus the benchmark's baseline: the cheapest view Django can serve, through
the same middleware as every page. Used by scripts/bench.py through ROOT_URLCONF only."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import handler500
from portal.urls import urlpatterns as portal_urlpatterns

__all__ = ["handler500", "urlpatterns"]


def baseline(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/baseline/", baseline), *portal_urlpatterns]
