"""Error pages that can always be shown: no context processors, no database, no host.

A 400 may come from the very thing that failed (an unknown Host raises again on
`request.get_host()`, an undecodable path), so these pages use nothing of the request but
its path's language prefix, and link only to paths built by reverse().
"""

from django.conf import settings
from django.http import HttpResponse
from django.template import loader
from django.utils import translation

from core.languages import BY_CODE


def page_language(request):
    try:
        code = translation.get_language_from_path(request.path_info) or ""
    except Exception:
        code = ""
    return (
        BY_CODE.get(code)
        or BY_CODE.get(translation.get_language() or "")
        or BY_CODE[settings.LANGUAGE_CODE]
    )


def error_page(request, template_name, status):
    language = page_language(request)
    with translation.override(language.code):
        body = loader.get_template(template_name).render({"current_language": language})
    response = HttpResponse(body, status=status)
    response["Content-Language"] = language.code
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception=None):
    """handler400 (Django's own would fail again on the request that failed)."""
    return error_page(request, "400.html", 400)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent from a page that is too old, or without its cookie.

    Django's own page is in English and speaks of tokens; a resident whose form has
    expired needs to know, in their language, what to do so as not to lose what they wrote.
    """
    return error_page(request, "403_csrf.html", 403)
