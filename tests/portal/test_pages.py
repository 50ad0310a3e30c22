import pytest

from portal.models import Page


@pytest.mark.django_db
def test_published_page_renders_sanitised_markdown(client):
    Page.objects.create(
        slug="privacy",
        title_ja="個人情報の取扱い",
        title_en="Privacy",
        body_en="## Purpose\n\n<script>alert(1)</script>[x](javascript:alert(1)) **kept**",
        is_published=True,
    )
    html = client.get("/en/pages/privacy/").content.decode()
    assert "<h2>Purpose</h2>" in html
    assert "<strong>kept</strong>" in html
    assert "<script>alert" not in html
    assert "javascript:" not in html


@pytest.mark.django_db
def test_draft_page_is_not_found(client):
    Page.objects.create(slug="draft", title_ja="下書き", is_published=False)
    assert client.get("/en/pages/draft/").status_code == 404
