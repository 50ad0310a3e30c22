import pytest
from django.conf import settings

from enquiries.models import Topic
from pages.models import Page, ResourceLink
from tests.factories import PageFactory, ResourceLinkFactory


@pytest.mark.django_db
def test_published_page_renders_sanitised_markdown(client):
    PageFactory(
        slug="privacy",
        body_en="## Purpose\n\n<script>alert(1)</script>[x](javascript:alert(1)) **kept**",
    )
    html = client.get("/en/pages/privacy/").content.decode()
    assert "<h2>Purpose</h2>" in html
    assert "<strong>kept</strong>" in html
    assert "<script>alert" not in html
    assert "javascript:" not in html


@pytest.mark.django_db
def test_draft_page_is_not_found(client):
    PageFactory(slug="draft", is_published=False)
    assert client.get("/en/pages/draft/").status_code == 404


CONTENT_PAGES = (
    "multicultural-japan",
    "multilingual-information",
    "about-this-directory",
    "privacy",
    "accessibility",
)


@pytest.mark.parametrize("slug", CONTENT_PAGES)
@pytest.mark.parametrize("language", ["ja", "en", "ja-easy", "ur"])
def test_content_pages_render_with_one_h1(client, real_data, slug, language):
    response = client.get(f"/{language}/pages/{slug}/")
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


@pytest.mark.parametrize("slug", CONTENT_PAGES)
def test_content_pages_are_written_in_japanese_and_english(real_data, slug):
    page = Page.objects.get(slug=slug)
    assert page.is_published
    assert page.title_ja and page.title_en
    assert len(page.body_ja) > 100 and len(page.body_en) > 200


def test_navigation_lists_the_pages_shown_in_navigation(client, real_data):
    html = client.get("/en/").content.decode()
    main_nav = html.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/en/pages/multicultural-japan/"' in main_nav
    assert 'href="/en/pages/multilingual-information/"' in main_nav
    assert 'href="/en/pages/about-this-directory/"' in main_nav
    assert "privacy" not in main_nav
    footer = html.split('class="site-footer"', 1)[1]
    assert 'href="/en/pages/privacy/"' in footer
    assert 'href="/en/pages/accessibility/"' in footer
    assert 'href="/en/open-data/"' in footer


def test_the_current_page_is_marked_in_navigation(client, db):
    PageFactory(slug="multicultural-japan", in_navigation=True)
    html = client.get("/en/pages/multicultural-japan/").content.decode()
    assert 'href="/en/pages/multicultural-japan/" aria-current="page"' in html


def test_draft_pages_stay_out_of_navigation(client, db):
    PageFactory(slug="multicultural-japan", in_navigation=True)
    PageFactory(slug="draft-news", in_navigation=True, is_published=False)
    assert "draft-news" not in client.get("/en/").content.decode()


def test_multilingual_information_lists_structured_links(client, real_data):
    page = Page.objects.get(slug="multilingual-information")
    links = list(page.links.all())
    assert len(links) >= 4
    assert all(
        link.url.startswith("https://") and link.title_ja and link.title_en for link in links
    )
    html = client.get("/en/pages/multilingual-information/").content.decode()
    first = links[0]
    assert f'href="{first.url}" rel="external noopener"' in html
    assert first.title_en in html
    assert "Languages:" in html


def test_link_text_falls_back_with_its_language(client, db):
    page = PageFactory(slug="multilingual-information")
    link = ResourceLinkFactory(page=page, title_en="Immigration Services", title_ko="출입국 재류청")
    html = client.get("/ko/pages/multilingual-information/").content.decode()
    assert f">{link.title_ko}<" in html and f'<span lang="en">{link.title_en}</span>' not in html
    # A title staff have not translated yet falls back, marked with its language.
    ResourceLink.objects.filter(pk=link.pk).update(title_ko="")
    html = client.get("/ko/pages/multilingual-information/").content.decode()
    assert f'<span lang="en">{link.title_en}</span>' in html


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_real_pages_and_topics_exist_in_every_language(client, real_data, language):
    """Content staff keep, as shipped: every page, link and enquiry topic is translated, so
    no visitor meets a fallback notice on them."""
    from core.i18n import fallback_languages

    for page in Page.objects.published():
        assert fallback_languages(page, ["title", "body"], language) == [], page.slug
        assert fallback_languages(page.links.all(), ["title", "description"], language) == []
    assert fallback_languages(Topic.objects.all(), ["name", "description"], language) == []


def test_about_page_explains_the_data_and_its_gaps(real_data):
    for body in (
        Page.objects.get(slug="about-this-directory").body_en,
        Page.objects.get(slug="about-this-directory").body_ja,
    ):
        assert "63" in body and "62" in body
        for place in (
            ("Nara", "奈良"),
            ("Sagamihara", "相模原"),
            ("Sakai", "堺"),
            ("Okayama", "岡山"),
        ):
            assert place[0] in body or place[1] in body
    english = Page.objects.get(slug="about-this-directory").body_en
    assert "Niigata City and Oita" in english
    assert "Akita, Gunma, Shizuoka Prefecture and Kumamoto Prefecture" in english


def test_privacy_policy_covers_appi_essentials(real_data):
    body = Page.objects.get(slug="privacy").body_en
    for phrase in (
        "Act on the Protection of Personal Information",
        "Why we use it",
        "only if you agree",
        "How long we keep it",
        "one year",
        "Multiculture Division",
    ):
        assert phrase.lower() in body.lower(), phrase


def test_accessibility_policy_states_target_and_tests(real_data):
    body = Page.objects.get(slug="accessibility").body_ja
    assert "JIS X 8341-3:2016" in body
    assert "AA" in body
    assert "axe-core" in body
    english = Page.objects.get(slug="accessibility").body_en
    assert "320 CSS pixels" in english


def test_internal_links_in_bodies_stay_in_the_visitors_language(client, real_data):
    html = client.get("/ko/pages/multicultural-japan/").content.decode()
    assert 'href="../../associations/"' in html
