"""The floor `make bench` compares the portal with: what plain Django costs for the same work.

`application` serves /bench/floor/… from a second Django handler whose only middleware is
CommonMiddleware, and everything else from the portal's own handler (production settings,
every middleware). Two views there:

- /bench/floor/listing/: the first page of the same published associations as the listing,
  read with one `values()` query and rendered by a small template with the region headings
  and the full card content (name, Japanese name, abbreviation, level, city, prefecture,
  detail link, website), in English, without the site's i18n chrome;
- /bench/floor/trivial/: "ok" as text: bare Django.

Used by scripts/bench.py (gunicorn's GUNICORN_WSGI_APP) and scripts/bench_cpu.py only.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import Context, Engine  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from directory.models import LEVEL_RANK, Association  # noqa: E402

FLOOR_PREFIX = "/bench/floor/"

TEMPLATE = Engine(autoescape=True).from_string(
    """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Associations</title>
</head><body><h1>Find an International Association</h1><p>{{ rows|length }} associations</p>
{% regroup rows by prefecture__region__name_en as regions %}{% for region in regions %}
<section><h2>{{ region.grouper }}</h2><ul>{% for row in region.list %}
<li><h3><a href="/en/associations/{{ row.slug }}/">{{ row.name_en|default:row.name_ja }}</a>
{% if row.short_name %} ({{ row.short_name }}){% endif %}</h3><p lang="ja">{{ row.name_ja }}</p>
<p>{{ row.level }} · {% if row.city_en %}{{ row.city_en }}, {% endif %}
{{ row.prefecture__name_en }}</p>
{% if row.website %}<p><a href="{{ row.website }}">Website</a></p>{% endif %}</li>
{% endfor %}</ul></section>{% endfor %}</body></html>"""
)


def floor_listing(request):
    rows = list(
        Association.objects.filter(is_published=True)
        .order_by("prefecture__region__order", LEVEL_RANK, "display_order", "pk")
        .values(
            "slug",
            "name_en",
            "name_ja",
            "short_name",
            "level",
            "city_en",
            "website",
            "prefecture__name_en",
            "prefecture__region__name_en",
        )[: settings.DIRECTORY_PAGE_SIZE]
    )
    return HttpResponse(TEMPLATE.render(Context({"rows": rows})))


def floor_trivial(request):
    return HttpResponse("ok", content_type="text/plain")


portal = WSGIHandler()
with override_settings(MIDDLEWARE=["django.middleware.common.CommonMiddleware"]):
    floor = WSGIHandler()


def application(environ, start_response):
    handler = floor if environ.get("PATH_INFO", "").startswith(FLOOR_PREFIX) else portal
    return handler(environ, start_response)
