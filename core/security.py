"""Staff login hardening: the admin site with optional two-factor login.

django-axes counts failed logins per username and client address (settings: AXES_*; the
address comes from core/client_address.py); django-otp adds a TOTP code to the admin
login for staff who have set up a device.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, user_has_device
from django_otp.admin import OTPAdminAuthenticationForm


def two_factor_required(user):
    return settings.ADMIN_REQUIRE_TWO_FACTOR or user_has_device(user, confirmed=True)


class StaffAuthenticationForm(OTPAdminAuthenticationForm):
    """The admin login: a code from an authenticator app is asked of those who have one."""

    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        help_text=_("Only if you have set up two-step verification."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's AuthenticationForm sets the username's max_length after the field is built,
        # so only the HTML attribute has it, not a validator: a longer name went on to
        # authenticate(), and django-axes' record of the failure (a 255-character column)
        # was a server error on PostgreSQL. Now it is a field error, and nothing is recorded.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))

    def _chosen_device(self, user):
        # Staff have one authenticator app; the form does not ask them to pick it.
        chosen = super()._chosen_device(user)
        return chosen or next(devices_for_user(user, confirmed=True, for_verify=True), None)

    def clean(self):
        # AdminAuthenticationForm, not the OTP form's clean(): the code is only checked for
        # staff who have a device (or when the site requires one of everybody).
        self.cleaned_data = AdminAuthenticationForm.clean(self)
        user = self.get_user()
        if user is not None and two_factor_required(user):
            self.clean_otp(user)
        return self.cleaned_data


class PortalAdminSite(admin.AdminSite):
    site_header = _("International Associations portal")
    site_title = _("International Associations portal")
    index_title = _("Staff administration")
    login_form = StaffAuthenticationForm
    login_template = "admin/portal_login.html"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return request.user.is_verified() or not two_factor_required(request.user)
