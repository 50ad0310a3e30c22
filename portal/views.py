import sys

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from directory.models import Association, Region
from portal import health
from portal.languages import BY_CODE
from portal.middleware import ADMIN_LANGUAGE_COOKIE
from portal.models import Page, StaffPreferences
from portal.preview import mark_as_preview


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
    content_page = get_object_or_404(Page.objects.visible_to(request.user), slug=slug)
    response = render(request, "portal/page.html", {"page": content_page})
    return mark_as_preview(response, content_page)


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
