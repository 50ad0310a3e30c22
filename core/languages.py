"""The portal's interface and content languages, in one place.

Settings, the language switcher, `<html lang dir>`, `hreflang` and the translation columns
all read this list, so adding a language is one entry here plus a migration for the new
translation columns and `update_translation_fields` (see docs/i18n.md).
"""

from dataclasses import dataclass

from django.conf import locale
from django.utils.translation import gettext


def _(message):
    """Marks a name for makemessages only: settings import this module, so nothing here may
    touch Django's translation machinery (django.utils.translation.gettext_noop reads settings)."""
    return message


@dataclass(frozen=True)
class SiteLanguage:
    code: str  # Django's language code, also the URL prefix
    bcp47: str  # for lang="" and hreflang=""
    native_name: str  # the name in its own script, for the switcher
    english_name: str  # marked for translation: `name` gives it in the visitor's language
    direction: str = "ltr"
    # The CLDR locale (Babel's spelling) whose dates and numbers the pages use, where it is
    # not the BCP 47 tag with an underscore: core.locale_formats reads only `cldr_locale`.
    cldr: str = ""

    @property
    def name(self):
        return gettext(self.english_name)

    @property
    def cldr_locale(self):
        return self.cldr or self.bcp47.replace("-", "_")


# Japanese, Easy Japanese, then the languages of Japan's national help desk for foreign
# residents in the order Japanese public bodies usually list them.
SITE_LANGUAGES = (
    SiteLanguage("ja", "ja", "日本語", _("Japanese")),
    # Easy Japanese is Japanese to a screen reader and a search engine; the private-use
    # subtag keeps it apart from standard Japanese in hreflang.
    # CLDR has no Easy Japanese; its readers see dates as Japanese writes them (2026年12月2日),
    # which the furigana then reads.
    SiteLanguage("ja-easy", "ja-x-easy", "やさしい にほんご", _("Easy Japanese"), cldr="ja"),
    # The interface is written in British English (enquiry, licence), and so are its dates.
    SiteLanguage("en", "en", "English", _("English"), cldr="en_GB"),
    SiteLanguage("zh-hans", "zh-Hans", "简体中文", _("Chinese (Simplified)")),
    SiteLanguage("ko", "ko", "한국어", _("Korean")),
    SiteLanguage("vi", "vi", "Tiếng Việt", _("Vietnamese")),
    SiteLanguage("fil", "fil", "Filipino", _("Filipino")),
    SiteLanguage("pt-br", "pt-BR", "Português (Brasil)", _("Portuguese (Brazil)")),
    SiteLanguage("es", "es", "Español", _("Spanish")),
    SiteLanguage("ne", "ne", "नेपाली", _("Nepali")),
    SiteLanguage("id", "id", "Bahasa Indonesia", _("Indonesian")),
    SiteLanguage("th", "th", "ไทย", _("Thai")),
    SiteLanguage("my", "my", "မြန်မာ", _("Burmese")),
    SiteLanguage("km", "km", "ខ្មែរ", _("Khmer")),
    SiteLanguage("mn", "mn", "Монгол", _("Mongolian")),
    SiteLanguage("si", "si", "සිංහල", _("Sinhala")),
    SiteLanguage("fr", "fr", "Français", _("French")),
    SiteLanguage("bn", "bn", "বাংলা", _("Bengali")),
    SiteLanguage("ur", "ur", "اردو", _("Urdu"), direction="rtl"),
)

BY_CODE = {language.code: language for language in SITE_LANGUAGES}

# Content without a translation in the visitor's language falls back to English, then to
# Japanese (the language every association's official name exists in). Easy Japanese
# readers read Japanese script, so for them Japanese comes before English.
CONTENT_FALLBACK = ("en", "ja")
CONTENT_FALLBACK_BY_LANGUAGE = {"ja-easy": ("ja", "en")}
CONTENT_REQUIRED_LANGUAGE = "ja"


def register_language_info():
    """Teach Django the languages it ships no locale data for (names, direction)."""
    for language in SITE_LANGUAGES:
        locale.LANG_INFO.setdefault(
            language.code,
            {
                "bidi": language.direction == "rtl",
                "code": language.code,
                "name": language.english_name,
                "name_local": language.native_name,
            },
        )
