"""The portal's URLs plus the benchmark's baseline: the cheapest view Django can serve,
through the same middleware as every page (and again under a language prefix, as an
anonymous public read); and the floor's views (scripts/bench_floor.py),
which its own handler serves with CommonMiddleware only. Used by scripts/bench.py through
ROOT_URLCONF only."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import path

from portal.urls import handler500
from portal.urls import urlpatterns as portal_urlpatterns

__all__ = ["handler500", "urlpatterns"]


def baseline(request):
    return HttpResponse("ok", content_type="text/plain")


def floor_view(name):
    # Imported on first use: scripts.bench_floor builds the handlers that serve these.
    def view(request):
        from scripts import bench_floor

        return getattr(bench_floor, name)(request)

    return view


urlpatterns = [
    path("bench/baseline/", baseline),
    path("bench/floor/listing/", floor_view("floor_listing")),
    path("bench/floor/trivial/", floor_view("floor_trivial")),
    *portal_urlpatterns,
    # The same view where public pages are, /en/bench/baseline/: an anonymous read there
    # takes the light path (core/middleware.py), which /bench/baseline/ never does.
    *i18n_patterns(path("bench/baseline/", baseline, name="bench-baseline-public")),
]
