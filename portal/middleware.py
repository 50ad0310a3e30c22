from django.conf import settings
from django.urls import reverse
from django.utils import translation

ADMIN_LANGUAGE_COOKIE = "admin_language"


def admin_language(request):
    """The staff member's saved choice, else this browser's last choice, else Japanese."""
    codes = {code for code, _name in settings.LANGUAGES}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        preferences = getattr(user, "staff_preferences", None)
        if preferences is not None and preferences.admin_language in codes:
            return preferences.admin_language
    cookie = request.COOKIES.get(ADMIN_LANGUAGE_COOKIE)
    if cookie in codes:
        return cookie
    return settings.ADMIN_DEFAULT_LANGUAGE


class AdminLanguageMiddleware:
    """The admin has no language prefix: it speaks the staff member's chosen language.

    Visitors' language choices (URL prefix, Django's language cookie) do not reach the
    admin, and an admin choice never changes the public site's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(reverse("admin:index")):
            language = admin_language(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
