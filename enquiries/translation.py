from modeltranslation.translator import TranslationOptions, register

from enquiries.models import Division, Topic


@register(Division)
class DivisionTranslationOptions(TranslationOptions):
    fields = ("name", "organisation")


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("ja",)
