"""The portal's interface and content languages, in one place.

Settings, the language switcher, `<html lang dir>` and `hreflang` all read this list, so adding
a language is one entry here plus a migration for the new translation columns (see
docs/i18n.md).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SiteLanguage:
    code: str  # Django's language code, also the URL prefix
    bcp47: str  # for lang="" and hreflang=""
    native_name: str  # the name in its own script, for the switcher
    english_name: str
    direction: str = "ltr"


SITE_LANGUAGES = (
    SiteLanguage("ja", "ja", "日本語", "Japanese"),
    SiteLanguage("en", "en", "English", "English"),
)

BY_CODE = {language.code: language for language in SITE_LANGUAGES}

# Content that has no translation in the visitor's language falls back to English, then to
# Japanese (the language every association's official name exists in).
CONTENT_FALLBACK = ("en", "ja")
CONTENT_REQUIRED_LANGUAGE = "ja"
