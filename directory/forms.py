from django import forms
from django.utils.translation import gettext_lazy as _

from directory.postal import MAX_INPUT_LENGTH, normalize_postal_code


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

    def clean_postal_code(self):
        code = normalize_postal_code(self.cleaned_data["postal_code"])
        if code is None:
            raise forms.ValidationError(
                _("Enter a postal code of seven digits, for example 231-0023."), code="invalid"
            )
        return code
