import re

import pytest

from directory.models import Association, Service
from tests.factories import (
    AssociationFactory,
    DivisionFactory,
    LanguageFactory,
    ServiceFactory,
    YokohamaFactory,
)

LIST_URL = "/en/associations/"


@pytest.fixture
def yokohama(db):
    """Yokohama's association with every field the pages show, as the shipped data has it."""
    return YokohamaFactory(
        short_name="YOKE",
        website="https://yokohama.example.org/",
        services=[
            ServiceFactory(slug="consultation", name_en="Consultation for foreign residents"),
            ServiceFactory(slug="japanese-classes", name_en="Japanese language classes"),
        ],
        languages=[LanguageFactory(code="vi", native_name="Tiếng Việt", name_en="Vietnamese")],
    )


def names(response):
    return [association.slug for association in response.context["page_obj"].object_list]


def facet(response, name):
    return {
        option["value"]: option["count"]
        for option in next(f for f in response.context["listing"].facets if f["name"] == name)[
            "options"
        ]
    }


def test_unfiltered_list_shows_all_in_csv_order_grouped_by_region(client, real_data):
    response = client.get(LIST_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "63 International Associations" in html
    expected = list(Association.objects.order_by("display_order").values_list("slug", flat=True))
    assert names(response) == expected
    headings = re.findall(r'<h3 id="region-([a-z-]+)">', html)
    assert headings == [
        "hokkaido-tohoku",
        "kanto",
        "tokai-hokuriku",
        "kinki",
        "chugoku-shikoku",
        "kyushu-okinawa",
    ]


def test_prefectural_bodies_come_before_designated_cities_in_each_region(client, real_data):
    response = client.get(LIST_URL)
    previous_region, seen_city = None, False
    for association in response.context["page_obj"].object_list:
        region = association.prefecture.region_id
        if region != previous_region:
            previous_region, seen_city = region, False
        if association.is_designated_city:
            seen_city = True
        else:
            assert not seen_city, association.slug


@pytest.mark.parametrize(
    ("query", "expected_count"),
    [
        ("region=kanto", 13),
        ("region=kinki", 8),
        ("prefecture=14", 3),
        ("prefecture=29", 0),
        ("level=designated_city", 17),
        ("level=prefecture", 46),
        ("region=kanto&level=designated_city", 4),
        ("region=kanto&prefecture=14&level=designated_city", 2),
    ],
)
def test_each_filter_and_combinations(client, real_data, query, expected_count):
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == expected_count


def display_orders(response):
    """The seed order of each association the page lists (cards carry slugs, not rows)."""
    slugs = [card.slug for card in response.context["page_obj"].object_list]
    orders = dict(Association.objects.filter(slug__in=slugs).values_list("slug", "display_order"))
    assert len(orders) == len(slugs)
    return sorted(orders.values())


def test_the_service_filter_lists_the_50_with_a_confirmed_consultation_desk(client, real_data):
    response = client.get(f"{LIST_URL}?service=consultation")
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 50
    assert "50 International Associations match your filters" in response.content.decode()
    assert display_orders(response) == sorted(
        Service.objects.get(slug="consultation").associations.values_list(
            "display_order", flat=True
        )
    )
    # Gunma (14) and Oita (57) have no confirmed service at all.
    assert not {14, 57} & set(display_orders(response))


def test_the_language_filter_lists_the_28_whose_desk_answers_in_vietnamese(client, real_data):
    response = client.get(f"{LIST_URL}?language=vi")
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 28
    assert "yokohama-city" in names(response)
    # Filipino is one option, whichever code the source used (tl in the research files).
    assert client.get(f"{LIST_URL}?language=fil").context["page_obj"].paginator.count == 21
    both = client.get(f"{LIST_URL}?language=vi&service=japanese-classes")
    assert display_orders(both) == [9, 23, 24, 32, 33, 38, 43]
    assert display_orders(client.get(f"{LIST_URL}?language=ne&region=kinki")) == [37, 38]
    assert names(client.get(f"{LIST_URL}?language=de&region=hokkaido-tohoku")) == []


def test_option_counts_say_what_choosing_the_option_would_give(client, real_data):
    response = client.get(f"{LIST_URL}?service=consultation")
    assert facet(response, "region") == {
        "hokkaido-tohoku": 11,
        "kanto": 10,
        "tokai-hokuriku": 6,
        "kinki": 6,
        "chugoku-shikoku": 8,
        "kyushu-okinawa": 9,
    }
    assert facet(response, "level") == {"prefecture": 35, "designated_city": 15}
    # A facet's own selection does not narrow its own counts: over all 63 associations.
    services = facet(response, "service")
    assert services == {
        "consultation": 50,
        "japanese-classes": 17,
        "exchange-events": 20,
        "interpretation": 18,
        "disaster-support": 22,
        "multilingual-information": 21,
        "volunteers": 28,
        "childrens-education": 9,
    }
    languages = facet(response, "language")
    assert {code: languages[code] for code in ("en", "zh", "vi", "fil", "ne", "ru", "uk")} == {
        "en": 31,
        "zh": 30,
        "vi": 28,
        "fil": 21,
        "ne": 18,
        "ru": 7,
        "uk": 3,
    }
    assert languages["ja"] == 0  # no source lists Japanese: desks are not claimed for it
    for value, count in facet(client.get(LIST_URL), "language").items():
        assert (
            count == client.get(f"{LIST_URL}?language={value}").context["page_obj"].paginator.count
        ), value


def test_option_counts_appear_in_the_form(client, real_data):
    html = client.get(LIST_URL).content.decode()
    assert '<option value="kanto">Kanto (13)</option>' in html
    assert '<option value="29">Nara (0)</option>' in html


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("ＹＯＫＯＨＡＭＡ", ["yokohama-city"]),
        ("yoke", ["yokohama-city"]),
        ("YOKOHAMA", ["yokohama-city"]),
        ("横浜", ["yokohama-city"]),
        ("hiecc", ["hokkaido"]),
        ("Kitakyushu", ["kitakyushu-city"]),
        ("北九州", ["kitakyushu-city"]),
        ("群馬", ["gunma"]),
        ("sendai tourism", ["sendai-city"]),
        ("no such association", []),
    ],
)
def test_text_search_tolerates_case_and_width(client, real_data, q, expected):
    response = client.get(LIST_URL, {"q": q})
    assert names(response) == expected


def test_a_search_lists_name_matches_first_within_each_region(client, real_data):
    # "kanagawa" matches Kanagawa's body by its name, and Yokohama's and Kawasaki's by their
    # place. By name, an English name starting with "The" would sort between them.
    kanagawa = Association.objects.get(slug="kanagawa")
    kanagawa.name_en = "The Kanagawa International Foundation"
    kanagawa.save()
    unranked = client.get(LIST_URL, {"sort": "name"})
    order = [slug for slug in names(unranked) if slug.startswith(("kanagawa", "kawasaki", "yoko"))]
    assert order == ["kawasaki-city", "kanagawa", "yokohama-city"]
    response = client.get(LIST_URL, {"q": "kanagawa", "sort": "name"})
    assert names(response) == ["kanagawa", "kawasaki-city", "yokohama-city"]
    # On CLAIR's order Kitakyushu comes before Fukuoka City; it matches "ふくおか" only by
    # its place (Fukuoka Prefecture), so it comes after the two whose names match.
    listed = names(client.get(LIST_URL, {"prefecture": "40"}))
    assert listed == ["fukuoka", "kitakyushu-city", "fukuoka-city"]
    response = client.get(LIST_URL, {"q": "ふくおか こくさい"})
    assert names(response) == ["fukuoka", "fukuoka-city", "kitakyushu-city"]
    # Regions stay whole: name matches first inside each, one heading per region.
    html = client.get(LIST_URL, {"q": "kokusai"}).content.decode()
    headings = re.findall(r'<h3 id="region-([a-z-]+)">', html)
    assert len(headings) == len(set(headings))


def test_results_sentence_is_computed(client, real_data):
    html = client.get(f"{LIST_URL}?region=kinki").content.decode()
    assert "8 International Associations match your filters" in html
    html = client.get(f"{LIST_URL}?prefecture=29").content.decode()
    assert "0 International Associations match your filters" in html
    assert "No association matches these filters" in html
    gunma = Association.objects.get(slug="gunma")
    gunma.is_published = False
    gunma.save()
    assert "62 International Associations" in client.get(LIST_URL).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "region=atlantis",
        "prefecture=abc",
        "prefecture=99",
        "level=village",
        "service=%00",
        "language=xx",
        "page=abc",
        "page=-1",
        "page=99999",
        "region=kanto&region=kinki",
        "q=%ff%fe",
        "q=" + "x" * 5000,
    ],
)
def test_bad_parameters_give_a_normal_page_with_a_message(client, real_data, query):
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1
    if query.startswith(("region=atlantis", "prefecture", "level", "language", "service")):
        assert "This filter was not applied." in html
        assert response.context["page_obj"].paginator.count == 63
    if query == "region=kanto&region=kinki":
        assert "“region” was given more than once" in html
    if len(query) > 1000:
        assert "Search for at most 200 characters" in html
        assert 'aria-invalid="true"' in html


def test_filtered_list_links_to_detail_and_website(client, yokohama):
    html = client.get(f"{LIST_URL}?prefecture=14&level=designated_city").content.decode()
    assert 'href="/en/associations/yokohama-city/"' in html
    assert 'href="https://yokohama.example.org/"' in html
    assert (
        '<p class="association-card__name-ja" lang="ja">公益財団法人横浜市国際交流協会</p>' in html
    )
    assert "Designated city" in html
    assert "Yokohama" in html and "Kanagawa" in html


def test_japanese_page_does_not_repeat_the_japanese_name(client, yokohama):
    html = client.get("/ja/associations/?prefecture=14&level=designated_city").content.decode()
    assert html.count("公益財団法人横浜市国際交流協会") == 2  # link text + website label


def test_gunma_falls_back_to_its_japanese_name_marked_as_japanese(client, db):
    AssociationFactory(slug="gunma", name_ja="群馬県観光物産国際協会", name_en="")
    html = client.get("/en/associations/gunma/").content.decode()
    assert '<h1><span lang="ja">群馬県観光物産国際協会</span></h1>' in html
    assert "<title>群馬県観光物産国際協会 |" in html


def test_detail_page_shows_every_known_field(client, yokohama):
    response = client.get("/en/associations/yokohama-city/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Yokohama Association for International Communications and Exchanges" in html
    assert "(YOKE)" in html
    assert 'lang="ja">公益財団法人横浜市国際交流協会' in html
    assert "Designated city" in html
    assert "Kanagawa" in html and "Kanto" in html
    assert 'href="https://yokohama.example.org/"' in html
    assert "Consultation for foreign residents" in html
    assert "Japanese language classes" in html
    assert '<span lang="vi">Tiếng Việt</span>' in html
    assert 'href="/en/associations/"' in html


@pytest.mark.parametrize("path", ["/en/associations/atlantis/", "/ja/associations/no-such/"])
def test_unknown_association_is_404(client, yokohama, path):
    assert client.get(path).status_code == 404


def test_unpublished_association_is_404(client, db):
    AssociationFactory(slug="gunma")
    AssociationFactory()
    Association.objects.filter(slug="gunma").update(is_published=False)
    assert client.get("/en/associations/gunma/").status_code == 404
    assert "gunma" not in names(client.get(LIST_URL))


def test_home_states_the_computed_count_and_links_to_the_directory(client, real_data):
    html = client.get("/en/").content.decode()
    assert "63 International Associations" in html
    assert 'href="/en/associations/"' in html
    Association.objects.filter(slug="oita").update(is_published=False)
    assert "62 International Associations" in client.get("/en/").content.decode()


def test_root_redirects_to_a_language(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ja,en;q=0.8")
    assert response.status_code == 302
    assert response["Location"] == "/ja/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de")["Location"] == "/en/"


def test_for_enquiries_block_comes_from_the_database(client, db):
    from enquiries.models import Division

    DivisionFactory(
        is_default=True,
        name_en="Multiculture Division",
        phone="+81-3-5213-1725",
        fax="+81-3-5213-1742",
    )
    html = client.get("/en/").content.decode()
    assert "For Enquiries" in html
    assert "Multiculture Division" in html
    assert "+81 3-5213-1725" in html and "+81 3-5213-1742" in html
    division = Division.objects.get(is_default=True)
    division.phone = "+81-3-5213-1700"
    division.save()
    html = client.get("/en/").content.decode()
    assert "+81 3-5213-1700" in html and "+81 3-5213-1725" not in html


def test_region_headings_have_a_jump_list(client, real_data):
    html = client.get(LIST_URL).content.decode()
    jump = html[html.index('class="region-jump"') : html.index("</nav>", html.index("region-jump"))]
    targets = re.findall(r'href="#(region-[a-z-]+)"', jump)
    assert targets == re.findall(r'<h3 id="(region-[a-z-]+)">', html)
    assert len(targets) == 6
    assert '<a href="#region-kanto">Kanto</a> <span class="region-jump__count">(13)</span>' in jump


def test_the_abbreviation_is_always_after_the_link(client, db):
    abbreviated = (("hokkaido", "HIECC"), ("sendai-city", "SenTIA"), ("yokohama-city", "YOKE"))
    for slug, short_name in abbreviated:
        AssociationFactory(slug=slug, short_name=short_name)
    html = client.get(LIST_URL).content.decode()
    for slug, short_name in abbreviated:
        card = re.search(rf'<a href="/en/associations/{slug}/">(.*?)</a>(.*?)</h4>', html)
        assert short_name not in card.group(1), slug
        assert card.group(2) == f' <span class="short-name">({short_name})</span>', slug


def test_the_fallback_notice_is_only_for_a_page_mostly_in_another_language(client, real_data):
    # One association (Gunma) has no English name: marked on its card, no notice on top.
    html = client.get(LIST_URL).content.decode()
    assert 'class="fallback-notice"' not in html
    assert '<span lang="ja">群馬県観光物産国際協会</span>' in html
    # No association has a Vietnamese name: the page says it is shown in English.
    html = client.get("/vi/associations/").content.decode()
    assert 'class="fallback-notice"' in html
    assert "tiếng Anh" in html


def listing_card(html, slug):
    match = re.search(
        rf'<li class="association-card"><h4[^>]*><a href="[^"]*/{slug}/".*?</li>', html
    )
    assert match, f"no card for {slug}"
    return match.group(0)


def test_a_card_escapes_what_staff_typed_and_marks_each_language(client, db):
    AssociationFactory(
        slug="odd",
        name_ja="<b>協会</b>",
        name_en="",
        short_name="A&B",
        website="https://example.org/?a=1&b=<2>",
        designated_city=True,
        city_en="",
        city_ja="市<i>",
    )
    card = listing_card(client.get("/en/associations/").content.decode(), "odd")
    # The Japanese name and city stand in for the missing English, marked as Japanese.
    assert (
        '<a href="/en/associations/odd/"><span lang="ja">&lt;b&gt;協会&lt;/b&gt;</span></a>' in card
    )
    assert '<span class="short-name">(A&amp;B)</span>' in card
    assert '<span lang="ja">市&lt;i&gt;</span>, ' in card
    assert 'href="https://example.org/?a=1&amp;b=&lt;2&gt;"' in card
    assert "<b>" not in card and "<i>" not in card
    # On a right-to-left page the Latin abbreviation is isolated, Japanese runs are marked
    # with their direction.
    urdu = listing_card(client.get("/ur/associations/").content.decode(), "odd")
    assert '(<bdi dir="ltr">A&amp;B</bdi>)' in urdu
    assert '<span lang="ja" dir="ltr">&lt;b&gt;協会&lt;/b&gt;</span>' in urdu
