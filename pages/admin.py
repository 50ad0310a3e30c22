from django.contrib import admin

from core.admin_actions import publish, unpublish
from core.history import HistoryAdmin
from core.translation_admin import (
    LanguageGroupedTranslationAdmin,
    MissingTranslationFilter,
    TranslationCompletenessMixin,
)
from pages.models import Page, ResourceLink


@admin.register(Page)
class PageAdmin(TranslationCompletenessMixin, HistoryAdmin, LanguageGroupedTranslationAdmin):
    list_display = (
        "title",
        "slug",
        "is_published",
        "in_navigation",
        "order",
        "updated",
        "translation_completeness",
    )
    list_filter = ("is_published", "in_navigation", MissingTranslationFilter)
    search_fields = ("slug",)
    ordering = ("order", "slug")
    readonly_fields = ("created", "updated")
    fieldsets = [
        (None, {"fields": ["is_published", "slug", "in_navigation", "order"]}),
        (None, {"fields": ["created", "updated"]}),
    ]
    actions = [publish, unpublish]


@admin.register(ResourceLink)
class ResourceLinkAdmin(TranslationCompletenessMixin, LanguageGroupedTranslationAdmin):
    """The curated links listed under a content page (e.g. "Multilingual Information")."""

    list_display = ("title", "page", "url", "order", "translation_completeness")
    list_filter = ("page", MissingTranslationFilter)
    list_select_related = ("page",)
    search_fields = ("url",)
    autocomplete_fields = ("page",)
    filter_horizontal = ("languages",)
    ordering = ("page", "order", "pk")
    fieldsets = [(None, {"fields": ["page", "url", "languages", "order"]})]
