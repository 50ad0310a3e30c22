"""The visitor's text size, kept in a cookie so that it works without JavaScript.

The size changes the page's HTML (a class on <html>), so anything that caches whole pages
must key them on `current_text_size(request)` as well as on the language and query string.
"""

from django.utils.translation import gettext_lazy as _

COOKIE_NAME = "text_size"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365
DEFAULT = "standard"
TEXT_SIZES = {
    "standard": _("Standard"),
    "large": _("Large"),
    "larger": _("Larger"),
}


def current_text_size(request):
    value = request.COOKIES.get(COOKIE_NAME)
    return value if value in TEXT_SIZES else DEFAULT
