import pytest
from django.contrib.auth.models import Group, Permission

from portal.roles import (
    DIRECTORY_EDITORS,
    ENQUIRY_HANDLERS,
    ROLES,
    SITE_ADMINISTRATORS,
    role_allows,
    sync_roles,
)
from tests.staff import make_staff

# Written by hand from the issue, so that a mistake in portal/roles.py cannot hide behind
# expectations generated from that same file.
KEY_CASES = [
    (DIRECTORY_EDITORS, "directory.add_association", True),
    (DIRECTORY_EDITORS, "directory.change_association", True),
    (DIRECTORY_EDITORS, "directory.delete_association", True),
    (DIRECTORY_EDITORS, "directory.change_service", True),
    (DIRECTORY_EDITORS, "directory.change_prefecture", True),
    (DIRECTORY_EDITORS, "pages.change_page", True),
    (DIRECTORY_EDITORS, "pages.add_page", True),
    (DIRECTORY_EDITORS, "directory.view_historicalassociation", True),
    (DIRECTORY_EDITORS, "directory.delete_historicalassociation", False),
    (DIRECTORY_EDITORS, "pages.change_historicalpage", False),
    (DIRECTORY_EDITORS, "portal.view_staffpreferences", False),
    (DIRECTORY_EDITORS, "enquiries.view_division", False),
    (DIRECTORY_EDITORS, "enquiries.change_division", False),
    (DIRECTORY_EDITORS, "auth.view_user", False),
    (DIRECTORY_EDITORS, "auth.change_user", False),
    (DIRECTORY_EDITORS, "auth.change_group", False),
    (DIRECTORY_EDITORS, "axes.view_accessattempt", False),
    (DIRECTORY_EDITORS, "otp_totp.add_totpdevice", False),
    (ENQUIRY_HANDLERS, "enquiries.view_division", True),
    (ENQUIRY_HANDLERS, "enquiries.change_division", False),
    (ENQUIRY_HANDLERS, "enquiries.add_division", False),
    (ENQUIRY_HANDLERS, "enquiries.delete_division", False),
    (ENQUIRY_HANDLERS, "directory.view_association", False),
    (ENQUIRY_HANDLERS, "directory.change_association", False),
    (ENQUIRY_HANDLERS, "pages.change_page", False),
    (ENQUIRY_HANDLERS, "auth.view_user", False),
    (SITE_ADMINISTRATORS, "directory.change_association", True),
    (SITE_ADMINISTRATORS, "enquiries.change_division", True),
    (SITE_ADMINISTRATORS, "pages.change_page", True),
    (SITE_ADMINISTRATORS, "auth.change_user", True),
    (SITE_ADMINISTRATORS, "auth.change_group", True),
    (SITE_ADMINISTRATORS, "axes.delete_accessattempt", True),
    (SITE_ADMINISTRATORS, "otp_totp.add_totpdevice", True),
    (SITE_ADMINISTRATORS, "directory.delete_historicalassociation", True),
]


def all_permissions():
    return [
        (f"{permission.content_type.app_label}.{permission.codename}", permission)
        for permission in Permission.objects.select_related("content_type")
    ]


def test_the_migration_created_every_role(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


def test_key_cases_hold_for_a_member_of_each_role(db):
    users = {role: make_staff(role.split()[0].lower(), role) for role in ROLES}
    wrong = [
        (role, permission, expected)
        for role, permission, expected in KEY_CASES
        if users[role].has_perm(permission) is not expected
    ]
    assert wrong == []


def test_every_permission_of_every_role_matches_its_definition(db):
    """One permission at a time, for every permission in the database."""
    users = {role: make_staff(role.split()[0].lower(), role) for role in ROLES}
    permissions = all_permissions()
    assert len(permissions) > 100
    wrong = []
    for role, user in users.items():
        for name, permission in permissions:
            expected = role_allows(
                role,
                permission.content_type.app_label,
                permission.content_type.model,
                permission.codename,
            )
            if user.has_perm(name) is not expected:
                wrong.append((role, name, expected))
    assert wrong == []


def test_site_administrators_have_every_permission(db):
    group = Group.objects.get(name=SITE_ADMINISTRATORS)
    assert group.permissions.count() == Permission.objects.count()


def test_enquiry_models_added_later_get_the_intended_actions():
    # The enquiries app grows (enquiries, topics, delivery records): the rules, not a list
    # of today's models, decide. Handlers change enquiries and only read the rest.
    assert role_allows(ENQUIRY_HANDLERS, "enquiries", "enquiry", "change_enquiry")
    assert role_allows(ENQUIRY_HANDLERS, "enquiries", "enquiry", "view_enquiry")
    assert not role_allows(ENQUIRY_HANDLERS, "enquiries", "enquiry", "delete_enquiry")
    assert role_allows(ENQUIRY_HANDLERS, "enquiries", "topic", "view_topic")
    assert not role_allows(ENQUIRY_HANDLERS, "enquiries", "topic", "change_topic")
    assert not role_allows(DIRECTORY_EDITORS, "enquiries", "enquiry", "view_enquiry")
    assert role_allows(DIRECTORY_EDITORS, "pages", "link", "change_link")
    assert role_allows(SITE_ADMINISTRATORS, "enquiries", "enquiry", "delete_enquiry")


def test_sync_undoes_permissions_added_to_a_role_by_hand(db):
    group = Group.objects.get(name=DIRECTORY_EDITORS)
    group.permissions.add(Permission.objects.get(codename="change_user"))
    sync_roles()
    assert not group.permissions.filter(codename="change_user").exists()


def test_sync_roles_command_reports_each_role(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("sync_roles", stdout=out)
    assert all(f"{role}: " in out.getvalue() for role in ROLES)


@pytest.mark.django_db(transaction=True)
def test_the_roles_come_back_after_a_flush():
    """flush sends post_migrate without the migration state; before this, it left no roles,
    and a test run after a transactional test (in xdist's worksteal order) found none."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
    editor = make_staff("after-flush", "Directory editors")
    assert editor.has_perm("directory.change_association")
