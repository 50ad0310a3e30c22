"""Every public page type of the portal renders in every site language with one <h1>."""

import pytest
from django.conf import settings

from tests.factories import AssociationFactory

PATHS = (
    "/{language}/",
    "/{language}/search/?q=kanagawa",
    "/{language}/associations/serving/?postal_code=231-0023",
    "/{language}/associations/serving/?postal_code=630-8213",
    "/{language}/map/",
    "/{language}/open-data/",
    "/{language}/pages/multicultural-japan/",
    "/{language}/pages/multilingual-information/",
    "/{language}/pages/about-this-directory/",
    "/{language}/pages/privacy/",
    "/{language}/pages/accessibility/",
)


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_portal_pages_render_in_every_language(client, real_data, language):
    for path in PATHS:
        response = client.get(path.format(language=language))
        assert response.status_code == 200, path
        assert response.content.decode().count("<h1") == 1, path


def test_home_page_makes_few_queries(client, real_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get("/en/")


def test_content_page_makes_few_queries(client, real_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get("/en/pages/multilingual-information/")


def test_the_switcher_and_hreflang_links_are_this_page_in_each_language(client, db):
    from core.languages import SITE_LANGUAGES

    AssociationFactory(slug="kanagawa")
    html = client.get("/vi/associations/kanagawa/?x=1&y=%E3%81%82").content.decode()
    for language in SITE_LANGUAGES:
        path = f"/{language.code}/associations/kanagawa/?x=1&amp;y=%E3%81%82"
        assert f'<a href="{path}" lang="{language.bcp47}"' in html
        assert f'hreflang="{language.bcp47}" href="http://testserver{path}"' in html
    assert 'hreflang="x-default" href="http://testserver/en/associations/kanagawa/?x=1' in html


def test_the_language_links_are_built_once_per_page(client, db, monkeypatch):
    """39 links (switcher, hreflang, x-default) from one resolution per language."""
    from core.languages import SITE_LANGUAGES
    from core.templatetags import portal_tags

    AssociationFactory.create_batch(3)

    calls = []
    original = portal_tags.page_in_language

    def counted(*args):
        calls.append(args[-1])
        return original(*args)

    monkeypatch.setattr(portal_tags, "page_in_language", counted)
    assert client.get("/en/associations/").status_code == 200
    assert sorted(calls) == sorted(language.code for language in SITE_LANGUAGES)
