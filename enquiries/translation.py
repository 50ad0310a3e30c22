from modeltranslation.translator import TranslationOptions, register

from enquiries.models import Division


@register(Division)
class DivisionTranslationOptions(TranslationOptions):
    fields = ("name", "organisation")
