from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffPreferences(models.Model):
    """Per staff member settings that follow them from one computer to the next."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_preferences",
        verbose_name=_("user"),
    )
    # No choices here: the list lives in settings.LANGUAGES and would churn migrations.
    admin_language = models.CharField(_("language of the admin"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("staff preferences")
        verbose_name_plural = _("staff preferences")

    def __str__(self):
        return str(self.user)
