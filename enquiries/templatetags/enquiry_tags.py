from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

register = template.Library()


def render_select(field, attrs):
    # Django renders each <option> through its own template, which made this form's four
    # long selects (prefectures, languages, associations) most of the page's render time.
    widget = field.field.widget
    final_attrs = widget.build_attrs(widget.attrs, field.build_widget_attrs(attrs, widget))
    final_attrs.update(name=field.html_name, id=field.auto_id)
    current = field.value()
    current = "" if current is None else str(current)
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (str(value), " selected" if str(value) == current else "", label)
            for value, label in field.field.choices
        ),
    )
    return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


@register.simple_tag
def field_widget(field, focus=None):
    """A form field's control, tied to its hint and error message (GOV.UK pattern)."""
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    attrs = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if focus and focus == field.name:
        attrs["autofocus"] = True
    if type(field.field.widget) is forms.Select:
        return render_select(field, attrs)
    return field.as_widget(attrs=attrs)
