from modeltranslation.translator import TranslationOptions, register

from directory.models import Association, HelpLine, Language, Prefecture, Region, Service


@register(Region)
class RegionTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Prefecture)
class PrefectureTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Service)
class ServiceTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Language)
class LanguageTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Association)
class AssociationTranslationOptions(TranslationOptions):
    fields = ("name", "city", "address", "description")
    required_languages = ("ja",)


@register(HelpLine)
class HelpLineTranslationOptions(TranslationOptions):
    fields = ("name", "operator", "hours")
    required_languages = ("ja",)
