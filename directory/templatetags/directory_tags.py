from django import template

from core.templatetags.portal_tags import json_ld_script
from directory.open_data import schema_org_organization

register = template.Library()


@register.simple_tag(takes_context=True)
def association_json_ld(context, association):
    """schema.org data about an association, for search engines."""
    return json_ld_script(schema_org_organization(context["request"], association))
