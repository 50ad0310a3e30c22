import sys

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_from_request
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe

from core import health
from core.i18n import resolve_translation
from core.languages import BY_CODE
from core.middleware import ADMIN_LANGUAGE_COOKIE
from core.text_size import COOKIE_MAX_AGE, COOKIE_NAME, DEFAULT, TEXT_SIZES
from directory import prefecture_map
from directory.models import Association, Prefecture, Region
from portal import search as site_search
from portal.models import StaffPreferences


def _map_context():
    prefectures = list(
        Prefecture.objects.with_association_counts()
        .select_related("region")
        .order_by("region__order", "code")
    )
    return {
        "map_tiles": prefecture_map.tiles(
            prefectures, lambda prefecture: resolve_translation(prefecture, "name")[0]
        ),
        "map_view_box": prefecture_map.view_box(),
        "map_prefectures": prefectures,
    }


def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "association_count": Association.objects.published().count(),
            "regions": Region.objects.all(),
            **_map_context(),
        },
    )


@require_POST
def admin_language(request):
    """Switch the admin's language: saved for the staff member and in this browser."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "")
    admin_index = reverse("admin:index")
    if not (
        next_url.startswith(admin_index)
        and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure())
    ):
        next_url = admin_index
    response = HttpResponseRedirect(next_url)
    if language not in {code for code, _name in settings.LANGUAGES}:
        return response
    if request.user.is_authenticated and request.user.is_staff:
        StaffPreferences.objects.update_or_create(
            user=request.user, defaults={"admin_language": language}
        )
    response.set_cookie(
        ADMIN_LANGUAGE_COOKIE,
        language,
        max_age=60 * 60 * 24 * 365,
        path=admin_index,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def search(request):
    query, truncated = site_search.clean_query(request.GET.get("q", ""))
    terms = site_search.search_terms(query)
    associations = site_search.search_associations(terms)
    pages = site_search.search_pages(terms)
    return render(
        request,
        "portal/search.html",
        {
            "query": query,
            "searched": "q" in request.GET,
            "has_terms": bool(terms),
            "truncated": truncated,
            "max_query_length": site_search.MAX_QUERY_LENGTH,
            "association_results": associations,
            "page_results": pages,
            "result_count": len(associations) + len(pages),
        },
    )


def prefecture_map_page(request):
    return render(request, "portal/map.html", _map_context())


@require_GET
def set_text_size(request):
    """Remember the text size and go back: plain links, so it works without JavaScript."""
    next_url = request.GET.get("next", "")
    # Only a path of this site: redirect() would take "0" or "home" for a view name to
    # reverse (a NoReverseMatch, a 500), and a relative path would land under /text-size/.
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    size = request.GET.get("size")
    if size == DEFAULT:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
    elif size in TEXT_SIZES:
        response.set_cookie(
            COOKIE_NAME,
            size,
            max_age=COOKIE_MAX_AGE,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    add_never_cache_headers(response)
    return response


def open_data(request):
    return render(
        request,
        "portal/open_data.html",
        {
            "association_count": Association.objects.published().count(),
            "licence_name": settings.OPEN_DATA_LICENCE_NAME,
            "licence_url": settings.OPEN_DATA_LICENCE_URL,
        },
    )


def open_data_redirect(request):
    """/open-data/ (the address people cite) → the page in the visitor's language."""
    with translation.override(get_language_from_request(request)):
        return redirect("open-data")


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Disallow: {reverse('text-size')}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def healthz(request):
    """For load balancers: 200 when the database and the cache answer, 503 otherwise.

    The body says nothing more, whoever asks; the reason is in the logs.
    """
    if health.database_ok() and health.cache_ok():
        return HttpResponse("ok\n", content_type="text/plain")
    return HttpResponse("unavailable\n", content_type="text/plain", status=503)


def server_error(request):
    """handler500: a 503 page when a service is down, the 500 page otherwise.

    Both are rendered without context processors or database access, in the language of
    the URL, since whatever failed may fail again.
    """
    language = (
        BY_CODE.get(translation.get_language_from_path(request.path_info) or "")
        or BY_CODE.get(translation.get_language())
        or BY_CODE[settings.LANGUAGE_CODE]
    )
    unavailable = isinstance(sys.exc_info()[1], health.SERVICE_UNAVAILABLE_ERRORS)
    with translation.override(language.code):
        template = loader.get_template("503.html" if unavailable else "500.html")
        body = template.render({"current_language": language})
    if unavailable:
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "60"
    else:
        response = HttpResponseServerError(body)
    response["Cache-Control"] = "no-store"
    return response
