import pytest

from tests.factories import RegionFactory


def test_standard_size_by_default(client, db):
    html = client.get("/en/").content.decode()
    assert 'class="text-size-standard"' in html
    assert 'href="/text-size/?size=large&amp;next=/en/"' in html


@pytest.mark.parametrize("size", ["large", "larger"])
def test_choosing_a_size_sets_a_cookie_and_returns(client, db, size):
    RegionFactory(slug="kanto")
    response = client.get("/text-size/", {"size": size, "next": "/en/associations/?region=kanto"})
    assert response.status_code == 302
    assert response["Location"] == "/en/associations/?region=kanto"
    cookie = response.cookies["text_size"]
    assert cookie.value == size
    assert cookie["max-age"] == 60 * 60 * 24 * 365
    assert cookie["samesite"] == "Lax"
    assert "no-cache" in response["Cache-Control"]
    html = client.get("/en/associations/?region=kanto").content.decode()
    assert f'class="text-size-{size}"' in html
    link = f'href="/text-size/?size={size}&amp;next=/en/associations/%3Fregion%3Dkanto"'
    assert f'{link} rel="nofollow" aria-current="true"' in html


def test_standard_removes_the_cookie(client, db):
    client.cookies["text_size"] = "larger"
    response = client.get("/text-size/", {"size": "standard", "next": "/en/"})
    assert response.cookies["text_size"].value == ""
    assert response.cookies["text_size"]["max-age"] == 0


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""]
)
def test_never_redirects_elsewhere(client, db, next_url):
    response = client.get("/text-size/", {"size": "large", "next": next_url})
    assert response["Location"] == "/en/"


def test_unknown_sizes_and_cookies_are_ignored(client, db):
    response = client.get("/text-size/", {"size": "huge", "next": "/en/"})
    assert "text_size" not in response.cookies
    client.cookies["text_size"] = '"><script>'
    assert 'class="text-size-standard"' in client.get("/en/").content.decode()


def test_print_stylesheet_is_linked(client, db):
    html = client.get("/en/").content.decode()
    assert 'href="/static/css/print.css" media="print"' in html
