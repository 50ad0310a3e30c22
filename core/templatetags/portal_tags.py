import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.encoding import iri_to_uri
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core import locale_formats
from core.i18n import bcp47, fallback_languages, resolve_translation
from core.languages import BY_CODE, SITE_LANGUAGES
from core.markdown import render_markdown

register = template.Library()


@register.simple_tag
def translated(instance, field_name, plain=False):
    """A translated field in the visitor's language, or its fallback marked with its `lang`.

    `plain=True` gives the bare text, for places that cannot hold markup such as <title>.
    """
    text, language_code = resolve_translation(instance, field_name)
    current = get_language()
    if text and language_code != current and not plain:
        direction = direction_of(language_code)
        if direction != direction_of(current):
            # English inside an Urdu page keeps its own direction (and vice versa).
            return format_html(
                '<span lang="{}" dir="{}">{}</span>', bcp47(language_code), direction, text
            )
        return format_html('<span lang="{}">{}</span>', bcp47(language_code), text)
    return text


@register.simple_tag
def translated_list(instances, field_name):
    """Each instance's translated field (as `translated` marks it), joined as the page's
    language joins a list ('A, B, and C', 「A、B、C」)."""
    names = [conditional_escape(translated(instance, field_name)) for instance in instances]
    # CLDR joins plain text: join placeholders, escape the result, then put the names in.
    placeholders = [f"\x00{number}\x00" for number in range(len(names))]
    text = conditional_escape(locale_formats.joined(placeholders))
    for placeholder, name in zip(placeholders, names, strict=True):
        text = text.replace(placeholder, name)
    return mark_safe(text)


def direction_of(language_code):
    language = BY_CODE.get(language_code)
    return language.direction if language else "ltr"


@register.simple_tag
def translation_language(instance, field_name):
    """The language code the visitor will actually see a translated field in."""
    return resolve_translation(instance, field_name)[1]


@register.inclusion_tag("includes/fallback_notice.html")
def fallback_notice(items, *field_names):
    """Tells the visitor, in their language, that some text falls back to another language.

    `items` is an instance or a list of them: `{% fallback_notice association "name" "city" %}`
    or `{% fallback_notice page_obj.object_list "name" %}`. Renders nothing without fallbacks.
    """
    return {
        "fallback_languages": [BY_CODE[code] for code in fallback_languages(items, field_names)]
    }


@register.simple_tag(takes_context=True)
def current_page_path(context):
    """This page's path and query, to come back to; the home page when the address names
    no page of this site (the path of a 404 can say anything, `//evil.example` included)."""
    request = context["request"]
    path = request.get_full_path()
    if (
        getattr(request, "resolver_match", None) is None
        or not path.startswith("/")
        or (path[1:2] in ("/", "\\"))
    ):
        return reverse("home")
    return path


def page_in_language(match, query, language_code):
    """This page's path in another language (Django's translate_url, with the page resolved
    once for all languages); the language's home page when the address names no page of
    this site (a 404, say).

    Built only from this site's own paths, never from what the request path merely says:
    `GET /%2fevil.example` must not link to `//evil.example`.
    """
    url = None
    with translation.override(language_code):
        if match is not None and match.url_name:
            name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
            try:
                url = reverse(name, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:
                url = None
        if not url or not url.startswith(f"/{language_code}/"):
            return reverse("home")
    return f"{url}?{query}" if query else url


@register.simple_tag(takes_context=True)
def language_links(context):
    """{language code: this page in that language} for every site language, built once per
    page: the switcher and the hreflang links read it (39 links, one URL resolution)."""
    request = context["request"]
    links = getattr(request, "_language_links", None)
    if links is None:
        match = getattr(request, "resolver_match", None)
        query = iri_to_uri(request.META.get("QUERY_STRING", ""))  # as get_full_path()
        links = {
            language.code: page_in_language(match, query, language.code)
            for language in SITE_LANGUAGES
        }
        request._language_links = links
    return links


@register.simple_tag(takes_context=True)
def language_url(context, language_code, absolute=False):
    """The current page, with its query string, in another language."""
    request = context["request"]
    url = language_links(context).get(language_code)
    if url is None:
        url = page_in_language(getattr(request, "resolver_match", None), "", language_code)
    return request.build_absolute_uri(url) if absolute else url


@register.filter
def markdown(text):
    """Markdown from staff, rendered and sanitised (see portal/markdown.py)."""
    return mark_safe(render_markdown(text))  # noqa: S308 - nh3 has sanitised it


@register.filter(name="bcp47")
def bcp47_filter(language_code):
    return bcp47(language_code)


# As django.utils.html.json_script: <, > and & escaped, so the data can never close the
# <script> element or open a comment, whatever staff type into a field.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data):
    """A `<script type="application/ld+json">` data block (not executable script)."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308 - escaped above
    )
