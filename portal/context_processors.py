import logging

from django.db import DatabaseError
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from core.caching import per_generation
from core.languages import BY_CODE, SITE_LANGUAGES
from core.text_size import TEXT_SIZES, current_text_size
from pages.models import Page


def site_languages(request):
    current = BY_CODE.get(get_language(), SITE_LANGUAGES[0])
    return {"site_languages": SITE_LANGUAGES, "current_language": current}


logger = logging.getLogger(__name__)


def chrome_pages():
    """The pages for the navigation and footer, once per content generation (the same in
    every language). When the database is down the page being rendered (often the error
    page that says so) still renders, only without these links."""
    try:
        return per_generation("chrome:pages", lambda: list(Page.objects.for_chrome()))
    except DatabaseError:
        logger.warning("Navigation pages unavailable: database error", exc_info=True)
        return []


def site_chrome(request):
    """Published pages for the navigation and footer (one query, only when rendered), and
    the visitor's text size."""
    return {
        "site_pages": SimpleLazyObject(chrome_pages),
        "text_size": current_text_size(request),
        "text_sizes": TEXT_SIZES.items(),
    }
