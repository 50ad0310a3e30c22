from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Language
from directory.postal import MAX_INPUT_LENGTH, normalize_postal_code


class LanguageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = str(obj)
        return name if name == obj.native_name else f"{name} – {obj.native_name}"


class PostalCodeForm(forms.Form):
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=MAX_INPUT_LENGTH,
        help_text=_("Seven digits, for example 231-0023."),
        error_messages={
            "required": _("Enter your postal code."),
            "max_length": _("Enter a postal code of seven digits, for example 231-0023."),
        },
    )
    language = LanguageChoiceField(
        label=_("I need help in"),
        queryset=Language.objects.exclude(code="ja"),
        to_field_name="code",
        required=False,
        empty_label=_("Any language"),
        help_text=_("Optional: we show whether the associations for your address answer in it."),
        error_messages={"invalid_choice": _("Choose a language from the list.")},
    )

    def clean_postal_code(self):
        code = normalize_postal_code(self.cleaned_data["postal_code"])
        if code is None:
            raise forms.ValidationError(
                _("Enter a postal code of seven digits, for example 231-0023."), code="invalid"
            )
        return code
