import gzip

import brotli
import pytest
from django.conf.urls.i18n import i18n_patterns
from django.contrib.sessions.backends import cached_db
from django.core.cache import cache
from django.core.management import call_command
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from core.caching import GENERATION_KEY, bump_generation, memory, new_generation
from directory.models import Association, Service
from enquiries.models import Division
from portal.urls import urlpatterns as portal_urlpatterns
from tests.factories import (
    AssociationFactory,
    DivisionFactory,
    PageFactory,
    PrefectureFactory,
    RegionFactory,
    ServiceFactory,
)

LISTING = "/en/associations/"
# The listing's count before and after one association is unpublished: which of the two a
# response shows tells whether it was rendered after the change.
ALL_LISTED = "3 International Associations"
ONE_FEWER = "2 International Associations"


@pytest.fixture
def listed(db):
    """A small directory: Hokkaido's association and two in Kanto, a service none of them
    offers yet, and the default division every page's footer shows."""
    hokkaido_tohoku = RegionFactory(slug="hokkaido-tohoku", name_en="Hokkaido/Tohoku")
    kanto = RegionFactory(slug="kanto", name_en="Kanto")
    AssociationFactory(
        slug="hokkaido",
        name_en="Hokkaido International Foundation",
        prefecture=PrefectureFactory(code="01", region=hokkaido_tohoku),
    )
    for code in ("13", "14"):
        AssociationFactory(prefecture=PrefectureFactory(code=code, region=kanto))
    ServiceFactory(slug="japanese-classes", name_en="Japanese language classes")
    DivisionFactory(is_default=True)


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.PUBLIC_PAGE_MAX_AGE = 300


def a_form_with_csrf(request):
    template = engines["django"].from_string("<form method=post>{% csrf_token %}</form>")
    return HttpResponse(template.render({}, request))


# Used as ROOT_URLCONF by the test that needs a public page with a form.
urlpatterns = [*i18n_patterns(path("form/", a_form_with_csrf)), *portal_urlpatterns]


def test_a_disabled_page_cache_never_replays_what_an_earlier_process_stored(
    client, listed, page_cache, settings
):
    """PAGE_CACHE_SECONDS=0 means every request renders, even when the shared cache still
    holds pages stored while it was on (make bench measures "uncached" pages this way)."""
    client.get(LISTING)
    settings.PAGE_CACHE_SECONDS = 0
    response = client.get(LISTING)
    assert response.status_code == 200
    assert response.context is not None  # rendered by the view, not replayed


@pytest.mark.parametrize(
    "url",
    ["/en/", LISTING, LISTING + "?region=kanto", "/ja/associations/hokkaido/", "/en/pages/about/"],
)
def test_second_request_is_served_from_the_cache_without_queries(
    client, listed, page_cache, django_assert_num_queries, url
):
    PageFactory(slug="about", title_en="About")
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200
    assert second.content == first.content
    # Pages whose view looks at request.user (draft previews for staff) too: without a
    # session, every visitor gets the same page, so nothing splits the caches.
    assert first["Vary"] == second["Vary"] == "Accept-Encoding"


def test_pages_are_cached_per_language_and_query_string(client, listed, page_cache):
    pages = {
        url: client.get(url).content
        for url in (LISTING, "/ja/associations/", LISTING + "?region=kanto", LISTING + "?q=osaka")
    }
    assert len(set(pages.values())) == 4
    for url, content in pages.items():
        assert client.get(url).content == content


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda a: setattr(a, "name_en", "Renamed Association") or a.save(), id="save"),
        pytest.param(lambda a: a.delete(), id="delete"),
    ],
)
def test_staff_changes_to_an_association_show_at_once(client, listed, page_cache, change):
    association = Association.objects.get(slug="hokkaido")
    before = client.get(LISTING).content.decode()
    # The card shows the abbreviation after the link, not twice: "… Center</a> (HIECC)".
    assert association.name_en.removesuffix(" (HIECC)") + "</a>" in before
    change(association)
    after = client.get(LISTING).content.decode()
    assert after != before
    assert association.name_en not in after or "Renamed Association" in after


def test_adding_a_service_to_an_association_shows_at_once(client, listed, page_cache):
    association = Association.objects.get(slug="hokkaido")
    service = Service.objects.exclude(associations=association).first()
    url = association.get_absolute_url()
    assert service.name_en not in client.get(url).content.decode()
    association.services.add(service)
    assert service.name_en in client.get(url).content.decode()


def test_content_page_edits_show_at_once(client, db, page_cache):
    page = PageFactory(slug="about", title_en="About")
    assert "About" in client.get("/en/pages/about/").content.decode()
    page.title_en = "About this directory"
    page.save()
    assert "About this directory" in client.get("/en/pages/about/").content.decode()


def test_the_enquiries_division_in_every_footer_shows_at_once(client, listed, page_cache):
    division = Division.objects.default()
    client.get("/en/")
    division.phone = "03-0000-0000"
    division.save()
    assert "03-0000-0000" in client.get("/en/").content.decode()


def test_bulk_changes_show_after_bump_generation(client, listed, page_cache):
    client.get(LISTING)
    Association.objects.filter(slug="hokkaido").update(is_published=False)
    assert ALL_LISTED in client.get(LISTING).content.decode()
    bump_generation()
    assert ONE_FEWER in client.get(LISTING).content.decode()


def test_public_pages_carry_http_caching_headers(client, listed, page_cache):
    response = client.get(LISTING)
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["ETag"].startswith('W/"')
    assert response.has_header("Last-Modified")
    # The language is in the path: nothing about the visitor changes the page.
    assert response["Vary"] == "Accept-Encoding"


def test_conditional_gets_are_answered_304(client, listed, page_cache):
    first = client.get(LISTING)
    by_etag = client.get(LISTING, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(LISTING, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_date.status_code == 304
    assert client.get(LISTING, HTTP_IF_NONE_MATCH='W/"stale"').status_code == 200


def test_304_also_without_the_server_side_cache(client, listed):
    first = client.get(LISTING)
    assert client.get(LISTING, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_changed_page_has_a_new_etag(client, listed, page_cache):
    etag = client.get(LISTING)["ETag"]
    Association.objects.get(slug="hokkaido").delete()
    response = client.get(LISTING, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_pages_are_sent_compressed_to_clients_that_accept_it(client, listed, page_cache):
    plain = client.get(LISTING)
    compressed = client.get(LISTING, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 3
    # Brotli where the client takes it, gzip or plain where it says q=0.
    for accepted in ("gzip, deflate, br", "br"):
        response = client.get(LISTING, HTTP_ACCEPT_ENCODING=accepted)
        assert response["Content-Encoding"] == "br", accepted
        assert brotli.decompress(response.content) == plain.content
        assert len(response.content) < len(compressed.content)
        assert "Accept-Encoding" in response["Vary"]
    refused = client.get(LISTING, HTTP_ACCEPT_ENCODING="br;q=0, gzip")
    assert refused["Content-Encoding"] == "gzip"


def test_staff_with_a_session_always_get_a_fresh_page(admin_client, listed, page_cache):
    admin_client.get(LISTING)
    hokkaido = Association.objects.get(slug="hokkaido")
    hokkaido.is_published = False
    hokkaido.save()
    response = admin_client.get(LISTING)
    assert ONE_FEWER in response.content.decode()
    assert "public" not in response.get("Cache-Control", "")


def test_admin_pages_are_never_cached(admin_client, page_cache):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_pages_that_set_a_cookie_are_never_cached(client, db, page_cache, settings):
    settings.ROOT_URLCONF = __name__
    first = client.get("/en/form/")
    assert "csrftoken" in first.cookies
    assert first["Cache-Control"] == "private, no-cache"
    client.cookies.clear()
    second = client.get("/en/form/")
    # Rendered again, with a token of its own: the first visitor's token was not stored.
    assert "csrftoken" in second.cookies
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value


def test_unprefixed_urls_are_not_page_cached(client, db, page_cache):
    response = client.get("/healthz")
    assert "public" not in response["Cache-Control"]


def test_a_release_clears_the_page_cache(client, listed, page_cache):
    client.get(LISTING)
    Association.objects.filter(slug="hokkaido").update(is_published=False)
    call_command("clear_page_cache", verbosity=0)
    assert ONE_FEWER in client.get(LISTING).content.decode()


def test_an_unknown_host_is_refused_not_cached(client, db, page_cache, caplog):
    response = client.get(LISTING, HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "Page cache unavailable" not in caplog.text


def test_a_draft_previewed_by_staff_never_reaches_visitors(admin_client, client, db, page_cache):
    PageFactory(slug="draft", title_en="Draft", is_published=False)
    assert admin_client.get("/en/pages/draft/").status_code == 200
    assert client.get("/en/pages/draft/").status_code == 404


@pytest.fixture
def process_memory(settings, page_cache):
    settings.PAGE_CACHE_LOCAL_SECONDS = 60


def another_process_changes_content():
    """What a bump from another node looks like here: only the shared cache changes."""
    cache.set(GENERATION_KEY, new_generation(), timeout=None)


def test_a_hit_from_process_memory_needs_no_round_trip(client, listed, process_memory):
    client.get(LISTING)
    cache.clear()  # Were the shared cache asked, this would be a miss and need queries.
    response = client.get(LISTING)
    assert response.status_code == 200
    assert ALL_LISTED in response.content.decode()


def test_another_nodes_change_shows_once_the_memory_expires(client, listed, process_memory):
    client.get(LISTING)
    Association.objects.filter(slug="hokkaido").update(is_published=False)
    another_process_changes_content()
    assert ALL_LISTED in client.get(LISTING).content.decode()
    memory.read_at -= 60
    assert ONE_FEWER in client.get(LISTING).content.decode()


def test_a_change_in_this_process_shows_at_once_despite_the_memory(client, listed, process_memory):
    association = Association.objects.get(slug="hokkaido")
    client.get(LISTING)
    association.name_en = "Renamed Association"
    association.save()
    assert "Renamed Association" in client.get(LISTING).content.decode()


def test_a_chosen_text_size_never_gets_or_fills_the_shared_cache(client, listed, page_cache):
    standard = client.get("/en/")
    assert "text-size-large" not in standard.content.decode()
    client.cookies["text_size"] = "large"
    large = client.get("/en/")
    assert "text-size-large" in large.content.decode()
    assert "private" in large["Cache-Control"]
    del client.cookies["text_size"]
    assert "text-size-large" not in client.get("/en/").content.decode()


@pytest.mark.parametrize("session_key", ["bogus", "a" * 32, "0123456789abcdefghijklmnopqrstuv"])
def test_a_made_up_session_cookie_gets_the_cached_page(
    client, listed, page_cache, settings, django_assert_max_num_queries, session_key
):
    client.get(LISTING)
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    # At most the session lookup (the database copy, for a well-formed key): no rendering.
    with django_assert_max_num_queries(1):
        response = client.get(LISTING)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public")
    assert not response.cookies
    Association.objects.filter(slug="hokkaido").update(is_published=False)
    bump_generation()
    # A miss with such a cookie is stored for everyone, not rendered again and again.
    assert ONE_FEWER in client.get(LISTING).content.decode()
    client.cookies.clear()
    with django_assert_max_num_queries(0):
        assert client.get(LISTING).status_code == 200


@pytest.fixture
def cached_db_sessions(settings):
    """Production's sessions: Redis first, the database behind it."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def test_a_made_up_session_key_costs_no_query_with_cached_sessions(
    client, real_data, page_cache, settings, cached_db_sessions, django_assert_num_queries
):
    """A forged staff marker sends such requests past nginx's cache: each one must not cost
    a database query (issue 11; `make bench-cookies`)."""
    client.get(LISTING)
    client.cookies[settings.SESSION_COOKIE_NAME] = "0123456789abcdefghijklmnopqrstuv"
    client.cookies[settings.STAFF_COOKIE_NAME] = "1"
    with django_assert_num_queries(0):
        response = client.get(LISTING)
    assert response["Cache-Control"].startswith("public")
    assert not response.cookies


def test_staff_with_cached_sessions_get_their_own_page_and_the_public_one_without_the_copy(
    admin_client, real_data, page_cache, settings, cached_db_sessions
):
    admin_client.get("/admin/")
    assert "public" not in admin_client.get(LISTING).get("Cache-Control", "")
    # The cached copy gone (Redis restarted): the public page, as every visitor gets it…
    key = admin_client.cookies[settings.SESSION_COOKIE_NAME].value
    cache.delete(cached_db.SessionStore(key).cache_key)
    assert admin_client.get(LISTING)["Cache-Control"].startswith("public")
    # …until an admin page reads the session from the database and caches it again.
    assert admin_client.get("/admin/").status_code == 200
    assert "public" not in admin_client.get(LISTING).get("Cache-Control", "")


def test_an_anonymous_session_gets_the_cached_page(client, listed, page_cache, settings):
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["something"] = "not a login"
    store.save()
    client.get(LISTING)
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    response = client.get(LISTING)
    assert response["Cache-Control"].startswith("public")
    assert not response.cookies


def test_staff_are_marked_for_nginx_while_signed_in(admin_client, listed, page_cache, settings):
    response = admin_client.get("/admin/")
    assert response.cookies[settings.STAFF_COOKIE_NAME]["httponly"]
    # A public page for staff is theirs alone.
    assert "public" not in admin_client.get(LISTING).get("Cache-Control", "")
    admin_client.post("/admin/logout/")
    assert admin_client.get("/admin/login/").cookies[settings.STAFF_COOKIE_NAME].value == ""


def test_a_forged_staff_marker_gets_the_cached_page(client, listed, page_cache, settings):
    client.get(LISTING)
    client.cookies[settings.STAFF_COOKIE_NAME] = "1"
    response = client.get(LISTING)
    assert response["Cache-Control"].startswith("public")
    assert not response.cookies
