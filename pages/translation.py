from modeltranslation.translator import TranslationOptions, register

from pages.models import Page, ResourceLink


@register(Page)
class PageTranslationOptions(TranslationOptions):
    fields = ("title", "body")
    required_languages = ("ja",)


@register(ResourceLink)
class ResourceLinkTranslationOptions(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("ja",)
