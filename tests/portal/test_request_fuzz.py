"""Generated requests never make a 500 (issue 11): the request layer as a client can shape it.

Hypothesis sends query strings (valid, percent-garbage, every redirect parameter), bodies
under any content type and charset, odd header values and over-long credentials to the
public pages, the forms and the admin, and checks that each answer is below 500. A failing
example is shrunk to the smallest request that fails, which is the one to fix.

The Django test client raises the view's exception instead of answering 500, so a failure
shows its traceback. (tests/enquiries/test_hostile_input.py fuzzes the enquiry form's
fields themselves; this file is about everything around them.)
"""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.examples import examples
from tests.staff import make_staff

HYPOTHESIS = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}

PUBLIC_PATHS = [
    "/en/",
    "/en/associations/",
    "/ja/associations/",
    "/ur/associations/kanagawa/",
    "/en/associations/serving/",
    "/en/search/",
    "/ja-easy/map/",
    "/en/open-data/",
    "/open-data/associations.csv",
    "/open-data/associations.json",
    "/text-size/",
    "/en/enquiries/new/",
    "/sitemap.xml",
    "/robots.txt",
]
# Every parameter a public page reads, redirect targets included, and some it does not.
PARAMETERS = [
    "q",
    "region",
    "prefecture",
    "level",
    "service",
    "language",
    "sort",
    "page",
    "postal_code",
    "help_language",
    "next",
    "size",
    "format",
    "utm_source",
]
FORM_PATHS = ["/en/enquiries/new/", "/en/enquiries/send/", "/admin/login/", "/admin/language/"]

# What a WSGI server can hand Django: header values and the query string are latin-1 text.
latin1 = st.text(alphabet=st.characters(max_codepoint=255, exclude_categories=["Cs"]), max_size=300)
any_text = st.text(max_size=300)
percent_garbage = st.lists(
    st.sampled_from(["%", "%2", "%ZZ", "%ff", "%fe%ff", "%00", "%c3", "%e3%81", "&", "=", ";", "+"])
    | st.sampled_from(PARAMETERS)
    | latin1,
    max_size=12,
).map("".join)
redirect_targets = (
    st.sampled_from(
        [
            "//evil.example/",
            "https://evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "javascript:alert(1)",
            "/%2f%2fevil.example",
            "http:/evil.example",
            " //evil.example",
            "/en/",
            "",
        ]
    )
    | any_text
)


# Over-long values made by repeating a short one: as hostile, far cheaper to generate.
over_long = st.tuples(st.text(min_size=1, max_size=8), st.integers(1000, 5000)).map(
    lambda piece_times: piece_times[0] * piece_times[1]
)


def is_handled(response):
    return response.status_code < 500


@pytest.fixture
def visitor(real_data):
    return Client(raise_request_exception=True)


@pytest.mark.django_db
def test_any_query_on_any_public_page(visitor):
    @settings(max_examples=examples(200), **HYPOTHESIS)
    @given(
        path=st.sampled_from(PUBLIC_PATHS),
        query=st.dictionaries(
            st.sampled_from(PARAMETERS) | any_text, any_text | redirect_targets, max_size=5
        ),
    )
    def check(path, query):
        assert is_handled(visitor.get(path, query))

    check()


@pytest.mark.django_db
def test_any_raw_query_string(visitor):
    @settings(max_examples=examples(150), **HYPOTHESIS)
    @given(path=st.sampled_from(PUBLIC_PATHS), raw=percent_garbage)
    def check(path, raw):
        assert is_handled(visitor.get(path, QUERY_STRING=raw))

    check()


@pytest.mark.django_db
def test_every_redirect_parameter_stays_on_this_site(visitor):
    @settings(max_examples=examples(100), **HYPOTHESIS)
    @given(target=redirect_targets, size=st.sampled_from(["large", "standard", "x"]))
    def check(target, size):
        response = visitor.get("/text-size/", {"next": target, "size": size})
        assert is_handled(response)
        if response.status_code in (301, 302):
            location = response["Location"]
            assert location.startswith("/") and not location.startswith(("//", "/\\"))

    check()


@pytest.mark.django_db
def test_any_body_under_any_content_type(visitor):
    content_types = (
        st.sampled_from(
            [
                "application/x-www-form-urlencoded",
                "application/x-www-form-urlencoded; charset=utf-8",
                "application/x-www-form-urlencoded; charset=latin-1",
                "application/x-www-form-urlencoded; charset=utf-16",
                "application/x-www-form-urlencoded; charset=utf-99",
                "application/x-www-form-urlencoded; charset=",
                "multipart/form-data",
                "multipart/form-data; boundary=",
                "multipart/form-data; boundary=xyz",
                "multipart/form-data; boundary=" + "x" * 2000,
                "text/plain",
                "application/json",
                "",
            ]
        )
        | latin1
    )

    @settings(max_examples=examples(200), **HYPOTHESIS)
    @given(
        path=st.sampled_from(FORM_PATHS),
        content_type=content_types,
        body=st.binary(max_size=2000) | percent_garbage.map(str.encode),
    )
    def check(path, content_type, body):
        assert is_handled(visitor.generic("POST", path, body, content_type=content_type))

    check()


@pytest.mark.django_db
def test_any_header_value(visitor):
    headers = st.fixed_dictionaries(
        {},
        optional=dict.fromkeys(
            (
                "HTTP_ACCEPT_LANGUAGE",
                "HTTP_ACCEPT_ENCODING",
                "HTTP_COOKIE",
                "HTTP_IF_NONE_MATCH",
                "HTTP_IF_MODIFIED_SINCE",
                "HTTP_RANGE",
                "HTTP_REFERER",
                "HTTP_X_FORWARDED_FOR",
                "HTTP_X_FORWARDED_PROTO",
                "HTTP_USER_AGENT",
                "HTTP_HOST",
                "REMOTE_ADDR",
            ),
            latin1,
        ),
    )

    @settings(max_examples=examples(200), **HYPOTHESIS)
    @given(path=st.sampled_from(PUBLIC_PATHS + ["/admin/login/", "/"]), extra=headers)
    def check(path, extra):
        assert is_handled(visitor.get(path, **extra))

    check()


@pytest.mark.django_db
def test_over_long_and_odd_credentials(visitor):
    @settings(max_examples=examples(60), **HYPOTHESIS)
    @given(
        username=any_text | over_long,
        password=any_text | over_long,
    )
    def check(username, password):
        response = visitor.post("/admin/login/", {"username": username, "password": password})
        assert is_handled(response)

    check()


@pytest.mark.django_db
def test_any_admin_query_parameter(real_data):
    """Changelist ordering, search, paging, filters and the export's own parameters."""
    staff = Client(raise_request_exception=True)
    staff.force_login(make_staff("fuzz", superuser=True))
    admin_paths = [
        "/admin/directory/association/",
        "/admin/directory/association/export/",
        "/admin/enquiries/enquiry/",
        "/admin/directory/association/1/history/",
        "/admin/pages/page/",
    ]
    admin_parameters = ["o", "q", "p", "e", "_to_field", "_popup", "all", "format", "level__exact"]

    @settings(max_examples=examples(150), **HYPOTHESIS)
    @given(
        path=st.sampled_from(admin_paths),
        query=st.dictionaries(st.sampled_from(admin_parameters) | any_text, any_text, max_size=4),
    )
    def check(path, query):
        assert is_handled(staff.get(path, query))

    check()


# The causes the generated requests found, kept as plain examples.


@pytest.mark.parametrize("target", ["0", "home", "admin:index", "relative/path"])
def test_a_next_that_is_not_a_path_goes_home(visitor, target):
    response = visitor.get("/text-size/", {"next": target, "size": "large"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"  # reverse("home") in the default language


@pytest.mark.parametrize("query", ["0=", "=", "name_xx=1", "level__nonsense=1"])
def test_an_export_with_parameters_that_name_no_field_goes_to_the_list(real_data, query):
    staff = Client(raise_request_exception=True)
    staff.force_login(make_staff("exporter", superuser=True))
    response = staff.get(f"/admin/directory/association/export/?{query}")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/directory/association/?{query}"
    assert staff.get(response["Location"], follow=True).status_code == 200
