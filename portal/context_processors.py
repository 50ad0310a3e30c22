from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from portal.languages import BY_CODE, SITE_LANGUAGES
from portal.models import Page
from portal.text_size import TEXT_SIZES, current_text_size


def site_languages(request):
    current = BY_CODE.get(get_language(), SITE_LANGUAGES[0])
    return {"site_languages": SITE_LANGUAGES, "current_language": current}


def site_chrome(request):
    """Published pages for the navigation and footer (one query, only when rendered), and
    the visitor's text size."""
    return {
        "site_pages": SimpleLazyObject(lambda: list(Page.objects.for_chrome())),
        "text_size": current_text_size(request),
        "text_sizes": TEXT_SIZES.items(),
    }
