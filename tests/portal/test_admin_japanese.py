"""The admin speaks Japanese to staff who chose nothing: no English word on its main pages,
apart from names and codes (issue 15). Third-party apps' strings included."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from directory.importing import read_rows
from directory.models import Association
from tests.directory.test_admin import csv_bytes, data_csv, post_import  # noqa: F401

# Proper names and codes, the same in every language.
ALLOWED_WORDS = {
    # Languages in the language selector, each in its own script.
    "English", "Filipino", "Brasil", "Bahasa", "Indonesia",
    # Codes and abbreviations Japanese staff use as they are.
    "CLAIR", "JIS", "FAX", "HTTP", "UUID", "TOTP", "CSV", "XLSX", "csv", "xlsx", "OK",
}  # fmt: skip
# Language codes, shown after each language's name: "ベトナム語 (vi)：4項目中0項目", and in
# each translated field's label: "住所 [pt-br]".
LANGUAGE_CODE = re.compile(r"^\(?[a-z]{2,3}(-[a-z]+)?\)?$")
BRACKETED_LANGUAGE_CODE = re.compile(r"[(\[][a-z]{2,3}(-[a-z]+)?[)\]]")
URL_OR_ADDRESS = re.compile(r"\S+://\S+|\S+@\S+|\b[\w-]+(\.[\w-]+)+/?\S*")


class VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes, labels in attributes, button values.
    What staff typed or the data holds (form values, text areas, code) is not the admin's."""

    SKIPPED = {"script", "style", "textarea", "code", "del", "ins", "noscript"}
    SPOKEN_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")

    def __init__(self):
        super().__init__()
        self.texts = []
        self.skipping = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.SKIPPED:
            self.skipping.append(tag)
        self.texts += [attrs[name] for name in self.SPOKEN_ATTRIBUTES if attrs.get(name)]
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"}:
            self.texts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(data.strip())


def english_words(html, data=()):
    """ASCII words in the page's visible text that are neither allowed nor the data's own."""
    parser = VisibleText()
    parser.feed(html)
    data_words = {word for value in data for word in re.findall(r"[A-Za-z]+", str(value))}
    found = set()
    for text in parser.texts:
        text = BRACKETED_LANGUAGE_CODE.sub(" ", URL_OR_ADDRESS.sub(" ", text))
        for token in text.split():
            if LANGUAGE_CODE.match(token):
                continue
            for word in re.findall(r"[^\W\d_]+", token):
                if len(word) < 2 or not word.isascii():
                    continue  # "Tiếng Việt", Japanese, and one-letter marks
                if word not in ALLOWED_WORDS and word not in data_words:
                    found.add(word)
    return sorted(found)


def test_the_checker_finds_english_and_spares_names_and_codes():
    html = (
        '<h1>協会 Historical</h1><img alt="Search"><input type="submit" value="Go">'
        "<p>日本語 · English (en)、JIS X 0402、https://www.yokeweb.com/about/</p>"
        "<textarea>Own site note</textarea><code>name_en</code><script>var a</script>"
    )
    assert english_words(html) == ["Go", "Historical", "Search"]
    assert english_words("<p>Yokohama Association</p>", data=["Yokohama Association"]) == []


@pytest.fixture
def yokohama(real_data):
    call_command("populate_history", auto=True, stdout=io.StringIO())
    association = Association.objects.get(slug="yokohama-city")
    association.name_ja += "（改称）"
    association.save()
    return association


def data_of(association, user):
    """What the association's own fields and the signed-in user hold: data, not interface."""
    values = [user.username]
    for field in association._meta.concrete_fields:
        values.append(getattr(association, field.attname))
    return values


PAGES = {
    "index": "/admin/",
    "change form": "/admin/directory/association/{pk}/change/",
    "history": "/admin/directory/association/{pk}/history/",
    "revert form": "/admin/directory/association/{pk}/history/{history_pk}/",
    "enquiries": "/admin/enquiries/enquiry/",
}


@pytest.mark.parametrize("page", PAGES)
def test_admin_pages_have_no_english_words(admin_client, admin_user, yokohama, page):
    url = PAGES[page].format(pk=yokohama.pk, history_pk=yokohama.history.earliest().pk)
    response = admin_client.get(url)
    assert response.status_code == 200
    assert english_words(response.content.decode(), data_of(yokohama, admin_user)) == []


def test_import_preview_has_no_english_words_and_shows_only_the_changes(
    admin_client,
    admin_user,
    yokohama,
    data_csv,  # noqa: F811
):
    rows = read_rows(data_csv)
    row = next(row for row in rows if row["municipality_code"] == "14100")
    row["name_ja"] = "公益財団法人横浜市国際交流協会（新）"
    row["website"] = "https://www.yokeweb.com/new/"
    old_name, old_website = yokohama.name_ja, yokohama.website

    preview = post_import(admin_client, csv_bytes(rows), "associations.csv", "0")

    html = preview.content.decode()
    assert english_words(html, data_of(yokohama, admin_user)) == []
    changes = re.findall(r"<table class=\"import-changes update\">.*?</table>", html, re.S)
    assert len(changes) == 1, "one changed row; the 62 unchanged ones are only counted"
    table = changes[0]
    cells = re.findall(r"<code>(\w+)</code></th><td>(.*?)</td><td>(.*?)</td>", table)
    assert [column for column, _old, _new in cells] == ["name_ja", "website"]
    assert cells[0][1:] == (f"<del>{old_name}</del>", f"<ins>{row['name_ja']}</ins>")
    assert cells[1][1:] == (f"<del>{old_website}</del>", f"<ins>{row['website']}</ins>")
    assert "新規: 0 · 変更: 1 · 変更なし: 62" in html
