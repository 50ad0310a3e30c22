from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DivisionQuerySet(models.QuerySet):
    def default(self):
        return self.filter(is_default=True).first()


class Division(models.Model):
    """A CLAIR division that answers enquiries; the default one is shown in the site chrome."""

    name = models.CharField(_("name"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    fax = models.CharField(_("fax"), max_length=30, blank=True)
    email = models.EmailField(
        _("public e-mail"), blank=True, help_text=_("Shown to visitors. Leave blank to hide.")
    )
    mailboxes = models.TextField(
        _("mailboxes for enquiries"),
        blank=True,
        help_text=_("One address per line. Enquiries routed to this division are sent here."),
    )
    is_default = models.BooleanField(
        _("default division"),
        default=False,
        help_text=_("Shown in the site's “For Enquiries” block and receives unrouted enquiries."),
    )

    objects = DivisionQuerySet.as_manager()

    class Meta:
        ordering = ["-is_default", "pk"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_division"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def mailbox_list(self):
        return [line.strip() for line in self.mailboxes.splitlines() if line.strip()]
