from django import template

from directory.open_data import schema_org_organization
from portal.templatetags.portal_tags import json_ld_script

register = template.Library()


@register.simple_tag(takes_context=True)
def association_json_ld(context, association):
    """schema.org data about an association, for search engines."""
    return json_ld_script(schema_org_organization(context["request"], association))


@register.simple_tag
def help_lines_in(language):
    """The national help lines that answer in `language`: the listing's last resort."""
    from directory.models import HelpLine

    return list(HelpLine.objects.answering_in(language))
