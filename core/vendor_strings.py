"""The admin's third-party apps in the staff's language.

django-simple-history, django-axes and django-otp ship no Japanese catalogue (or none for
these strings), so their admin pages came out half in English. The strings they translate
with their own msgids are listed here, so that makemessages puts them in the portal's
catalogues, which Django reads before any package's. Names they do not translate at all
are set here, to msgids of the same English text, so that no migration sees a change.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

PACKAGE_MSGIDS = (
    # django-simple-history: the history list and the revert form.
    gettext_noop(
        "Choose a date from the list below to revert to a previous version of this object."
    ),
    gettext_noop("Object"),
    gettext_noop("Comment"),
    gettext_noop("Changed by"),
    gettext_noop("Change reason"),
    gettext_noop("Changes"),
    gettext_noop("None"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("Revert"),
    gettext_noop("Revert %(verbose_name)s"),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("Revert %s"),
    gettext_noop("View %s"),
    gettext_noop("Change history: %s"),
    gettext_noop("View history: %s"),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("You may edit it again below"),
    # django-axes: its models.
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
)


def name_third_party_apps():
    """Call from an AppConfig.ready(): the app names on the admin index and in its menu."""
    apps.get_app_config("axes").verbose_name = _("Login attempts")
    apps.get_app_config("otp_totp").verbose_name = _("Two-step verification")
    device = apps.get_model("otp_totp", "TOTPDevice")._meta
    device.verbose_name = _("TOTP device")
    device.verbose_name_plural = _("TOTP devices")
