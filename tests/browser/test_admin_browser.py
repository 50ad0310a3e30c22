import pytest

from directory.models import Association
from portal.roles import DIRECTORY_EDITORS, sync_roles
from tests.staff import PASSWORD, make_staff

pytestmark = pytest.mark.django_db(transaction=True)

DESCRIPTION_VI = "Tư vấn miễn phí cho người nước ngoài sống tại Yokohama."


def test_directory_editor_adds_a_vietnamese_description(
    page, live_server, browser_data, external_requests
):
    sync_roles()  # a transactional test before this one may have flushed the groups
    make_staff("editor", DIRECTORY_EDITORS)
    yokohama = Association.objects.get(slug="yokohama-city")

    page.goto(f"{live_server.url}/admin/directory/association/{yokohama.pk}/change/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("#login-form [type=submit]").click()
    assert page.url.endswith(f"/admin/directory/association/{yokohama.pk}/change/")
    assert page.locator("html").get_attribute("lang") == "ja"

    vietnamese = page.locator("fieldset.translation-group-vi")
    description = vietnamese.locator("#id_description_vi")
    assert not description.is_visible()  # no Vietnamese yet: the group is folded
    vietnamese.locator("summary").click()
    description.fill(DESCRIPTION_VI)
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    assert page.locator(".messagelist .success").count() == 1

    page.goto(f"{live_server.url}/vi/associations/yokohama-city/")
    assert page.locator(".description").inner_text() == DESCRIPTION_VI
    assert external_requests == []

    for refused in ("/admin/enquiries/division/", "/admin/enquiries/"):
        response = page.goto(f"{live_server.url}{refused}")
        assert response.status in {403, 404}, refused
    page.goto(f"{live_server.url}/admin/")
    assert page.locator("#content-main .app-enquiries").count() == 0
    assert page.locator("#content-main .app-directory").count() == 1
