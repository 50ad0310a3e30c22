import csv
import io
import json
import re
import uuid

import pytest
from django.conf import settings

from directory.models import Association, Language, Service
from tests.factories import AssociationFactory, PageFactory, YokohamaFactory


def test_open_data_redirects_to_the_visitors_language(client, db):
    response = client.get("/open-data/", HTTP_ACCEPT_LANGUAGE="ja,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/ja/open-data/"
    response = client.get("/open-data/", HTTP_ACCEPT_LANGUAGE="ur")
    assert response["Location"] == "/ur/open-data/"


def test_open_data_page_states_the_licence_and_links_the_files(client, db):
    html = client.get("/en/open-data/").content.decode()
    licence = 'href="https://creativecommons.org/licenses/by/4.0/" rel="license external noopener"'
    assert f"{licence}>CC BY 4.0</a>" in html
    for url in (
        "/open-data/associations.csv",
        "/open-data/associations.json",
        "/open-data/hsds/organizations.json",
    ):
        assert f'href="{url}"' in html


def test_csv_has_every_association(client, real_data):
    response = client.get("/open-data/associations.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert 'rel="license"' in response["Link"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 63
    yokohama = next(row for row in rows if row["slug"] == "yokohama-city")
    assert yokohama["municipality_code"] == "14100"
    assert yokohama["prefecture_code"] == "14"
    assert yokohama["name_ja"] == "公益財団法人横浜市国際交流協会"
    assert yokohama["page_en"] == "http://testserver/en/associations/yokohama-city/"
    assert yokohama["id"] == str(Association.objects.get(slug="yokohama-city").uuid)


def test_json_has_every_association_and_the_licence(client, real_data):
    data = client.get("/open-data/associations.json").json()
    assert data["licence"]["name"] == "CC BY 4.0"
    assert data["count"] == 63 == len(data["associations"])
    gunma = next(a for a in data["associations"] if a["prefecture_code"] == "10")
    assert gunma["name_en"] == ""  # no English name was confirmed: left blank, not invented


def test_unpublished_associations_are_not_exported(client, real_data):
    Association.objects.filter(slug="kyoto").update(is_published=False)
    data = client.get("/open-data/associations.json").json()
    assert data["count"] == 62
    hsds = client.get("/open-data/hsds/organizations.json").json()
    assert hsds["total_items"] == 62


def test_hsds_organizations_follow_the_3_0_shape(client, real_data):
    data = client.get("/open-data/hsds/organizations.json").json()
    assert (data["total_items"], data["total_pages"], data["page_number"]) == (63, 1, 1)
    assert data["first_page"] and data["last_page"] and not data["empty"]
    organizations = data["contents"]
    assert len(organizations) == 63
    for organization in organizations:
        uuid.UUID(organization["id"])
        assert organization["name"] and organization["description"]
        for key in ("services", "contacts", "phones", "locations", "funding", "programs"):
            assert isinstance(organization[key], list)
    yokohama = next(o for o in organizations if o.get("website") == "https://www.yokeweb.com/")
    assert yokohama["id"] == str(Association.objects.get(slug="yokohama-city").uuid)
    assert yokohama["name"] == "公益財団法人横浜市国際交流協会"
    assert (
        yokohama["alternate_name"]
        == "Yokohama Association for International Communications and Exchanges"
    )


def test_hsds_services_languages_and_contacts_with_stable_ids(client, real_data):
    association = Association.objects.get(slug="yokohama-city")
    association.service_facts.all().delete()
    association.language_facts.all().delete()
    association.services.add(Service.objects.get(slug="japanese-classes"))
    association.languages.add(*Language.objects.filter(code__in=["en", "vi"]))
    association.email = "info@example.org"
    association.phone = "045-000-0000"
    association.save()

    def export():
        data = client.get("/open-data/hsds/organizations.json").json()
        return next(o for o in data["contents"] if o["id"] == str(association.uuid))

    organization = export()
    services = {service["name"]: service for service in organization["services"]}
    assert set(services) == {"日本語教室", "外国人住民のための相談"}
    consultation = services["外国人住民のための相談"]
    assert consultation["organization_id"] == organization["id"]
    assert consultation["status"] == "active"
    assert {(lang["code"], lang["name"]) for lang in consultation["languages"]} == {
        ("en", "English"),
        ("vi", "Vietnamese"),
    }
    assert all(lang["service_id"] == consultation["id"] for lang in consultation["languages"])
    assert services["日本語教室"]["languages"] == []
    [contact] = organization["contacts"]
    assert contact["email"] == "info@example.org"
    assert contact["phones"][0]["number"] == "045-000-0000"
    assert organization["phones"][0]["type"] == "voice"
    # Stable: the same ids in the next export, all of them UUIDs.
    assert export() == organization
    ids = re.findall(r'"id": "([^"]+)"', json.dumps(organization))
    assert len(ids) == len(set(ids)) >= 6
    for value in ids:
        uuid.UUID(value)


def test_detail_page_has_schema_org_json_ld(client, db):
    YokohamaFactory(website="https://yokohama.example.org/")
    html = client.get("/en/associations/yokohama-city/").content.decode()
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(match.group(1))
    assert data["@type"] == "Organization"
    assert data["name"] == "Yokohama Association for International Communications and Exchanges"
    assert "公益財団法人横浜市国際交流協会" in data["alternateName"]
    assert data["sameAs"] == "https://yokohama.example.org/"
    assert data["url"] == "http://testserver/en/associations/yokohama-city/"
    assert data["address"]["addressRegion"] == "Kanagawa"


def test_json_ld_cannot_break_out_of_its_script_element(client, db):
    AssociationFactory(slug="kyoto")
    Association.objects.filter(slug="kyoto").update(name_en="</script><script>alert(1)</script>")
    html = client.get("/en/associations/kyoto/").content.decode()
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block
    assert "\\u003C/script\\u003E" in block
    assert json.loads(block)["name"] == "</script><script>alert(1)</script>"


@pytest.fixture
def sitemap(client, real_data):
    response = client.get("/sitemap-en.xml")
    assert response.status_code == 200
    return response.content.decode()


def test_sitemap_index_lists_one_sitemap_per_language(client, real_data):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = re.findall(r"<loc>([^<]+)</loc>", response.content.decode())
    assert locations == [
        f"http://testserver/sitemap-{code}.xml" for code, _name in settings.LANGUAGES
    ]
    for location in locations:
        assert client.get(location.removeprefix("http://testserver")).status_code == 200
    assert client.get("/sitemap-xx.xml").status_code == 404


def test_sitemap_lists_every_page_in_its_language_with_hreflang(sitemap):
    assert sitemap.count("<url>") == 5 + 5 + 63
    assert "<loc>http://testserver/ja/" not in sitemap
    entry = sitemap.split("<loc>http://testserver/en/associations/yokohama-city/</loc>", 1)[1]
    entry = entry.split("</url>", 1)[0]
    hreflangs = re.findall(r'hreflang="([^"]+)"', entry)
    assert len(hreflangs) == 20
    assert {"ja", "ja-x-easy", "zh-Hans", "pt-BR", "ur", "x-default"} <= set(hreflangs)


def test_every_page_is_in_one_language_sitemap_per_language(client, real_data):
    pages = 0
    for code, _name in settings.LANGUAGES:
        body = client.get(f"/sitemap-{code}.xml").content.decode()
        pages += body.count("<url>")
        assert all(
            loc.startswith(f"http://testserver/{code}/")
            for loc in re.findall(r"<loc>([^<]+)</loc>", body)
        )
    assert pages == (5 + 5 + 63) * 19


def test_sitemaps_are_compressed_cached_and_revalidated(client, db):
    AssociationFactory.create_batch(3)
    PageFactory()
    for path in ("/sitemap.xml", "/sitemap-en.xml"):
        response = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip"
        assert response["Cache-Control"].startswith("public, max-age=")
        assert response["X-Robots-Tag"]
        again = client.get(path, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304
        since = client.get(path, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
        assert since.status_code == 304


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


def test_csv_and_json_carry_each_facts_source_and_date(client, real_data):
    kawasaki = Association.objects.get(slug="kawasaki-city")
    service_facts = list(kawasaki.service_facts.select_related("service"))
    language_facts = list(kawasaki.language_facts.select_related("language"))
    assert service_facts and language_facts

    record = next(
        a
        for a in client.get("/open-data/associations.json").json()["associations"]
        if a["slug"] == "kawasaki-city"
    )
    assert record["services"] == [fact.service.slug for fact in service_facts]
    assert record["service_facts"] == [
        {
            "service": fact.service.slug,
            "source_url": fact.source_url,
            "checked_on": fact.checked_on.isoformat(),
        }
        for fact in service_facts
    ]
    assert [fact["language"] for fact in record["consultation_language_facts"]] == [
        fact.language.code for fact in language_facts
    ]
    assert "ne" in record["consultation_languages"]

    text = client.get("/open-data/associations.csv").content.decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["slug"] == "kawasaki-city")
    languages = row["consultation_languages"].split(";")
    sources = row["consultation_languages_sources"].split(";")
    dates = row["consultation_languages_checked_on"].split(";")
    assert len(languages) == len(sources) == len(dates) == len(language_facts)
    nepali = languages.index("ne")
    fact = next(f for f in language_facts if f.language.code == "ne")
    assert (sources[nepali], dates[nepali]) == (fact.source_url, fact.checked_on.isoformat())


def test_csv_contact_details_with_their_source(client, real_data):
    association = Association.objects.exclude(contact_source_url="").first()
    text = client.get("/open-data/associations.csv").content.decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["slug"] == association.slug)
    assert row["contact_source_url"] == association.contact_source_url
    assert row["contact_checked_on"] == (
        association.contact_checked_on.isoformat() if association.contact_checked_on else ""
    )
    assert (row["phone"], row["postal_code"]) == (association.phone, association.postal_code)


def test_a_source_with_the_list_separator_stays_one_item(client, real_data):
    fact = Association.objects.get(slug="kawasaki-city").language_facts.first()
    fact.source_url = "https://example.org/page;section=2"
    fact.save()
    text = client.get("/open-data/associations.csv").content.decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["slug"] == "kawasaki-city")
    sources = row["consultation_languages_sources"].split(";")
    assert "https://example.org/page%3Bsection=2" in sources
    assert len(sources) == len(row["consultation_languages"].split(";"))


def test_the_export_makes_the_same_queries_whatever_the_number_of_facts(
    client, real_data, django_assert_max_num_queries
):
    for url in (
        "/open-data/associations.csv",
        "/open-data/associations.json",
        "/open-data/hsds/organizations.json",
    ):
        with django_assert_max_num_queries(8):
            client.get(url)
