"""Staff users for admin tests: one per role, created the way a site administrator would."""

from django.contrib.auth.models import Group, User

PASSWORD = "correct horse battery staple 42"


def make_staff(username, role=None, *, superuser=False):
    user = User.objects.create_user(
        username, f"{username}@example.org", PASSWORD, is_staff=True, is_superuser=superuser
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user
