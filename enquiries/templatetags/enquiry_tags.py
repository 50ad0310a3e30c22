from django import template

register = template.Library()


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
    return field.as_widget(attrs=attrs)
