from django.utils.translation import get_language

from portal.languages import BY_CODE, SITE_LANGUAGES


def site_languages(request):
    current = BY_CODE.get(get_language(), SITE_LANGUAGES[0])
    return {"site_languages": SITE_LANGUAGES, "current_language": current}
