from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from directory.models import Association, Region
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
