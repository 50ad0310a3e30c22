from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import FieldError, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from core.admin_actions import dated_filename, publish, unpublish
from core.history import HistoryAdmin
from core.translation_admin import (
    LanguageGroupedTranslationAdmin,
    MissingTranslationFilter,
    TranslationCompletenessMixin,
)
from directory.linkcheck import check_associations
from directory.models import (
    Association,
    AssociationLanguage,
    AssociationService,
    HelpLine,
    Language,
    Prefecture,
    Region,
    Service,
)
from directory.resources import AssociationResource


class VerificationFilter(admin.SimpleListFilter):
    title = _("verification")
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [
            ("due", _("Not verified in the last 12 months")),
            ("recent", _("Verified in the last 12 months")),
            ("facts-due", _("A service, language or contact detail not checked in 12 months")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "facts-due":
            return queryset.facts_due()
        due = queryset.verification_due()
        if self.value() == "due":
            return due
        if self.value() == "recent":
            return queryset.exclude(pk__in=due.values("pk"))
        return queryset


class WebsiteStatusFilter(admin.SimpleListFilter):
    title = _("website check")
    parameter_name = "website"

    def lookups(self, request, model_admin):
        return [
            ("broken", _("Broken")),
            ("redirected", _("Redirected")),
            ("unchecked", _("Not checked yet")),
        ]

    def queryset(self, request, queryset):
        return {
            "broken": queryset.website_broken,
            "redirected": queryset.website_redirected,
            "unchecked": queryset.website_unchecked,
        }.get(self.value(), queryset.all)()


class FactCheckFilter(admin.SimpleListFilter):
    title = _("check")
    parameter_name = "checked"

    def lookups(self, request, model_admin):
        return [
            ("due", _("Not checked in the last 12 months")),
            ("no-source", _("No source recorded")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.verification_due()
        if self.value() == "no-source":
            return queryset.filter(source_url="")
        return queryset


@admin.action(description=_("Mark the selected facts checked today"), permissions=["change"])
def mark_checked_today(modeladmin, request, queryset):
    count = queryset.update(checked_on=timezone.localdate())
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d fact marked checked today.", "%(count)d facts marked checked today.", count
        )
        % {"count": count},
        messages.SUCCESS,
    )


class FactAdmin(admin.ModelAdmin):
    """Every service or language fact, to find and re-check the stale ones across associations."""

    list_filter = (FactCheckFilter,)
    list_select_related = True
    search_fields = ("association__slug", "association__short_name", "source_url")
    autocomplete_fields = ("association",)
    date_hierarchy = None
    actions = [mark_checked_today]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("source"), ordering="source_url")
    def source_link(self, obj):
        if not obj.source_url:
            return "–"
        return format_html('<a href="{0}" rel="noopener">{0}</a>', obj.source_url)


@admin.register(AssociationService)
class AssociationServiceAdmin(FactAdmin):
    list_display = ("association", "service", "source_link", "checked_on")
    list_filter = (FactCheckFilter, "service")
    autocomplete_fields = ("association", "service")
    fields = ("association", "service", "source_url", "checked_on")
    ordering = ("association__display_order", "service__order")


@admin.register(AssociationLanguage)
class AssociationLanguageAdmin(FactAdmin):
    list_display = ("association", "language", "source_link", "checked_on")
    list_filter = (FactCheckFilter, "language")
    autocomplete_fields = ("association", "language")
    fields = ("association", "language", "source_url", "checked_on")
    ordering = ("association__display_order", "language__order")


class DirectoryModelAdmin(HistoryAdmin, LanguageGroupedTranslationAdmin):
    """History with revert, and translated fields grouped by language."""


@admin.register(Region)
class RegionAdmin(DirectoryModelAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    search_fields = ("slug",)
    ordering = ("order",)
    fieldsets = [(None, {"fields": ["slug", "order"]})]


@admin.register(Prefecture)
class PrefectureAdmin(DirectoryModelAdmin):
    list_display = ("code", "name", "region")
    list_filter = ("region",)
    list_select_related = ("region",)
    search_fields = ("code", "slug")
    autocomplete_fields = ("region",)
    ordering = ("code",)
    fieldsets = [(None, {"fields": ["code", "slug", "region"]})]


@admin.register(Service)
class ServiceAdmin(TranslationCompletenessMixin, DirectoryModelAdmin):
    list_display = ("name", "slug", "order", "translation_completeness")
    list_filter = (MissingTranslationFilter,)
    search_fields = ("slug",)
    ordering = ("order", "slug")
    fieldsets = [(None, {"fields": ["slug", "order"]})]


@admin.register(Language)
class LanguageAdmin(DirectoryModelAdmin):
    list_display = ("name", "native_name", "code", "order")
    search_fields = ("code", "native_name")
    ordering = ("order", "code")
    fieldsets = [(None, {"fields": ["code", "native_name", "order"]})]


class FactInline(admin.TabularInline):
    """Each service or language with the page that states it and when it was read."""

    extra = 0
    fields = ("source_url", "checked_on")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class AssociationServiceInline(FactInline):
    model = AssociationService
    fields = ("service", *FactInline.fields)
    autocomplete_fields = ("service",)


class AssociationLanguageInline(FactInline):
    model = AssociationLanguage
    fields = ("language", *FactInline.fields)
    autocomplete_fields = ("language",)


@admin.register(Association)
class AssociationAdmin(ImportExportModelAdmin, TranslationCompletenessMixin, DirectoryModelAdmin):
    list_display = (
        "name",
        "prefecture",
        "level",
        "is_published",
        "last_verified",
        "translation_completeness",
        "website_check",
    )
    list_filter = (
        "is_published",
        VerificationFilter,
        WebsiteStatusFilter,
        MissingTranslationFilter,
        "level",
        "prefecture__region",
        "services",
        "languages",
    )
    list_select_related = ("prefecture",)
    search_fields = ("slug", "short_name", "email", "website", "municipality_code")
    autocomplete_fields = ("prefecture",)
    inlines = [AssociationServiceInline, AssociationLanguageInline]
    ordering = ("prefecture__region__order", "-level", "display_order")
    date_hierarchy = None
    readonly_fields = (
        "uuid",
        "created",
        "updated",
        "website_status",
        "website_final_url",
        "website_error",
        "website_checked_at",
    )
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "is_published",
                    "slug",
                    "short_name",
                    "name_reading",
                    "level",
                    "prefecture",
                    "municipality_code",
                ]
            },
        ),
        (
            _("Contact details"),
            {
                "fields": [
                    "website",
                    "email",
                    "phone",
                    "fax",
                    "postal_code",
                    "contact_source_url",
                    "contact_checked_on",
                ]
            },
        ),
        (
            _("Verification"),
            {"fields": ["last_verified", "source_note", "confidence", "display_order"]},
        ),
        (
            _("Website check"),
            {
                "fields": [
                    "website_status",
                    "website_final_url",
                    "website_error",
                    "website_checked_at",
                ]
            },
        ),
        (_("Record"), {"fields": ["uuid", "created", "updated"], "classes": ["collapse"]}),
    ]
    actions = ["mark_verified_today", "check_websites", publish, unpublish]
    # A website typed without a scheme means https:// (Django 6's default, already).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    resource_classes = [AssociationResource]
    import_formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]
    # The preview lists only the rows the file changes, each changed column old → new.
    import_template_name = "admin/directory/association/import.html"

    def get_export_filename(self, request, queryset, file_format):
        return dated_filename("associations", file_format.get_extension())

    def export_action(self, request):
        """The export filters by the change list's parameters; one that names no field made
        django-import-export fail with a 500. Such a request goes to the change list, which
        answers bad parameters its own way."""
        try:
            return super().export_action(request)
        except (IncorrectLookupParameters, FieldError, ValidationError):
            changelist = reverse("admin:directory_association_changelist")
            query = request.META.get("QUERY_STRING", "")
            return HttpResponseRedirect(f"{changelist}?{query}" if query else changelist)

    @admin.display(description=_("website"), ordering="website_status")
    def website_check(self, obj):
        if obj.website_checked_at is None:
            return "–"
        if obj.website_is_broken:
            return format_html(
                '<span class="link-status-broken">{}</span>',
                obj.website_status or obj.website_error or _("no answer"),
            )
        if obj.website_final_url:
            return format_html("{} → {}", obj.website_status, obj.website_final_url)
        return obj.website_status

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            # Names and cities in every language, width-, case- and kana-insensitive.
            results = results | queryset.search(search_term)
        return results, may_have_duplicates

    @admin.action(description=_("Mark the selected entries verified today"), permissions=["change"])
    def mark_verified_today(self, request, queryset):
        today = timezone.localdate()
        count = 0
        for association in queryset:
            association.last_verified = today
            fields = ["last_verified", "updated"]
            # Verifying an entry means reading its sources again: its facts were checked too.
            if association.contact_source_url:
                association.contact_checked_on = today
                fields.append("contact_checked_on")
            association._change_reason = "Marked verified"
            association.save(update_fields=fields)
            count += 1
        AssociationService.objects.filter(association__in=queryset).exclude(source_url="").update(
            checked_on=today
        )
        AssociationLanguage.objects.filter(association__in=queryset).exclude(source_url="").update(
            checked_on=today
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d association marked verified today.",
                "%(count)d associations marked verified today.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Check the selected entries' websites now"), permissions=["change"])
    def check_websites(self, request, queryset):
        limit = settings.LINKCHECK_ADMIN_MAX_ROWS
        if queryset.count() > limit:
            self.message_user(
                request,
                _(
                    "Select at most %(limit)d entries to check here; "
                    "`manage.py check_links` checks them all."
                )
                % {"limit": limit},
                messages.ERROR,
            )
            return
        results = check_associations(list(queryset), deadline=settings.LINKCHECK_ADMIN_DEADLINE)
        broken = sum(result.is_broken for result in results.values())
        self.message_user(
            request,
            _("%(checked)d websites checked, %(broken)d broken.")
            % {"checked": len(results), "broken": broken},
            messages.WARNING if broken else messages.SUCCESS,
        )


@admin.register(HelpLine)
class HelpLineAdmin(TranslationCompletenessMixin, DirectoryModelAdmin):
    list_display = ("name", "phone", "needs_recheck", "checked_on", "is_published", "order")
    list_filter = ("is_published", "needs_recheck", MissingTranslationFilter, "languages")
    list_editable = ("order",)
    search_fields = ("slug", "phone")
    autocomplete_fields = ("languages",)
    ordering = ("order", "slug")
    fieldsets = [
        (None, {"fields": ["is_published", "slug", "phone", "website", "languages", "order"]}),
        (
            _("Verification"),
            {"fields": ["source_url", "checked_on", "needs_recheck", "staff_note"]},
        ),
    ]
    actions = ["mark_checked_today", publish, unpublish]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.action(
        description=_("Mark the selected help lines checked today"), permissions=["change"]
    )
    def mark_checked_today(self, request, queryset):
        today = timezone.localdate()
        count = 0
        for help_line in queryset:
            help_line.checked_on = today
            help_line.needs_recheck = False
            help_line._change_reason = "Marked checked"
            help_line.save(update_fields=["checked_on", "needs_recheck"])
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d help line marked checked today.",
                "%(count)d help lines marked checked today.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
