from dataclasses import dataclass
from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html

from core import locale_formats
from core.templatetags.portal_tags import json_ld_script
from directory.open_data import schema_org_organization

register = template.Library()


@register.simple_tag(takes_context=True)
def association_json_ld(context, association):
    """schema.org data about an association, for search engines."""
    return json_ld_script(schema_org_organization(context["request"], association))


@register.filter
def checked_date(value):
    """The day a fact was checked, as the visitor's language writes dates (CLDR's long date)."""
    return locale_formats.long_date(value)


@register.filter
def source_link(url):
    """A link to a fact's source, named by its host: the full address is often very long."""
    return format_html('<a href="{}" rel="external noopener">{}</a>', url, urlsplit(url).netloc)


@dataclass
class FactGroup:
    source_url: str
    checked_on: object
    facts: list


@register.simple_tag
def facts_by_source(facts):
    """Facts that come from the same page, checked the same day, together, in catalogue order."""
    groups = {}
    for fact in facts:
        key = (fact.source_url, fact.checked_on)
        groups.setdefault(key, FactGroup(fact.source_url, fact.checked_on, [])).facts.append(fact)
    return list(groups.values())


@register.simple_tag
def help_lines_in(language):
    """The national help lines that answer in `language`: the listing's last resort."""
    from directory.models import HelpLine

    return list(HelpLine.objects.answering_in(language))
