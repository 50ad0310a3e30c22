"""Admin actions shared by the directory and the content pages."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


def _set_published(modeladmin, request, queryset, value, reason):
    changed = 0
    # save() per row, not update(): each change is recorded in the history with its author.
    for obj in queryset.filter(is_published=not value):
        obj.is_published = value
        obj._change_reason = reason
        obj.save()
        changed += 1
    modeladmin.message_user(
        request,
        ngettext("%(count)d entry changed.", "%(count)d entries changed.", changed)
        % {"count": changed},
        messages.SUCCESS,
    )


@admin.action(description=_("Publish the selected entries"), permissions=["change"])
def publish(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, True, "Published")


@admin.action(
    description=_("Unpublish the selected entries (back to draft)"), permissions=["change"]
)
def unpublish(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, False, "Unpublished")


def dated_filename(stem, extension, moment=None):
    """A download's name dated in the site's time zone (Japan), as the admin shows dates:
    `associations-2026-01-02-0500.csv`, never the UTC date."""
    local = timezone.localtime(moment)
    return f"{stem}-{local:%Y-%m-%d-%H%M}.{extension}"
