"""Site search: associations and content pages, in the visitor's language with fallback.

Matching folds case, full-width/half-width forms and katakana/hiragana on both sides
(core/text.py): "ｾﾝﾀｰ", "センター" and "せんたー" all find "…センター"; the names' readings
make "こくさい" and "kokusai" find "…国際…" (directory/readings.py).
"""

import html
import unicodedata

from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from core.i18n import resolve_translation
from core.markdown import render_markdown
from core.text import fold_with_offsets, normalize_for_search
from directory.models import Association
from pages.models import Page

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_RESULTS = 50
SNIPPET_BEFORE = 60
SNIPPET_LENGTH = 200


def clean_query(query):
    """The query without control characters, trimmed to MAX_QUERY_LENGTH; and whether it was
    trimmed."""
    text = "".join(c for c in query or "" if unicodedata.category(c) not in {"Cc", "Cf", "Cs"})
    text = " ".join(text.split())
    return text[:MAX_QUERY_LENGTH], len(text) > MAX_QUERY_LENGTH


def search_terms(query):
    terms = []
    for term in normalize_for_search(query).split():
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def _match_spans(text, terms):
    """Sorted, merged (start, end) spans of `text` where any term matches."""
    folded, offsets = fold_with_offsets(text)
    spans = []
    for term in terms:
        start = folded.find(term)
        while start != -1:
            end = start + len(term)
            spans.append((offsets[start], offsets[end - 1] + 1))
            start = folded.find(term, end)
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def matches(text, terms):
    folded, _offsets = fold_with_offsets(text)
    return all(term in folded for term in terms)


def highlight(text, terms, *, excerpt=False):
    """`text` escaped, with every match wrapped in <mark>; with `excerpt`, only a window
    around the first match, with ellipses where it was cut."""
    text = text or ""
    spans = _match_spans(text, terms)
    window_start, window_end = 0, len(text)
    if excerpt and len(text) > SNIPPET_LENGTH:
        first = spans[0][0] if spans else 0
        window_start = max(0, first - SNIPPET_BEFORE)
        window_end = min(len(text), window_start + SNIPPET_LENGTH)
    parts = ["…" if window_start > 0 else ""]
    position = window_start
    for start, end in spans:
        if end <= window_start or start >= window_end:
            continue
        start, end = max(start, window_start), min(end, window_end)
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:window_end]))
    parts.append("…" if window_end < len(text) else "")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def _plain_text(markdown_text):
    return " ".join(html.unescape(strip_tags(render_markdown(markdown_text))).split())


def search_associations(terms):
    """Associations whose names (any language, or the Japanese name's reading in kana or
    romaji), place or description match every term: name matches first, then directory
    order. A description match shows the matching passage, since the name alone does not
    say why the association was found."""
    if not terms:
        return []
    queryset = (
        Association.objects.published()
        .search(" ".join(terms), descriptions=True)
        .in_directory_order()
        .name_matches_first()
        .select_related("prefecture")[:MAX_RESULTS]
    )
    results = []
    for association in queryset:
        name, name_language = resolve_translation(association, "name")
        description, description_language = resolve_translation(association, "description")
        snippet = ""
        if description and matches(description, terms) and not matches(name, terms):
            snippet = highlight(description, terms, excerpt=True)
        results.append(
            {
                "object": association,
                "title": highlight(name, terms),
                "title_language": name_language,
                "name_ja": highlight(association.name_ja, terms) if name_language != "ja" else "",
                "snippet": snippet,
                "snippet_language": description_language,
            }
        )
    return results


def search_pages(terms):
    """Published pages whose title or body, as the visitor reads them, contain every term.

    Pages are few (a handful, kept by staff), so they are matched here in Python over the
    text the visitor would actually see, rather than in every language in the database.
    """
    if not terms:
        return []
    results = []
    for page in Page.objects.published():
        title, title_language = resolve_translation(page, "title")
        body, body_language = resolve_translation(page, "body")
        body_text = _plain_text(body)
        if not matches(f"{title} {body_text}", terms):
            continue
        results.append(
            {
                "object": page,
                "title": highlight(title, terms),
                "title_language": title_language,
                "snippet": highlight(body_text, terms, excerpt=True),
                "snippet_language": body_language,
            }
        )
        if len(results) == MAX_RESULTS:
            break
    return results
