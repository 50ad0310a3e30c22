"""The sitemap: /sitemap.xml is an index of one sitemap per language (/sitemap-<code>.xml),
each listing every public page in that language with its hreflang alternates in all 19.

One file with every page in every language was 2.98 MB and rendered on each request; a
language's sitemap is about a nineteenth of it, and all of them are cached, compressed and
revalidated like public pages (portal/middleware.py).
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from directory.models import Association
from pages.models import Page

STATIC_PAGES = ["home", "directory:list", "directory:serving", "map", "open-data"]


class LanguageSitemap(Sitemap):
    """Every public page in one language; each entry's alternates cover all languages."""

    i18n = True
    alternates = True
    x_default = True
    # Crawlers accept 50,000; fewer keeps each page of a large directory quick to render.
    limit = 2000

    def __init__(self, language):
        self.language = language

    def items(self):
        pages = Page.objects.published().only("slug", "updated").order_by("order", "slug")
        associations = Association.objects.published().only("slug", "updated").order_by("pk")
        return [*STATIC_PAGES, *pages, *associations]

    def _items(self):
        # Django pairs every item with every language; this sitemap holds one language only.
        return [(item, self.language) for item in self.items()]

    def location(self, item):
        return reverse(item) if isinstance(item, str) else item.get_absolute_url()

    def lastmod(self, item):
        return None if isinstance(item, str) else item.updated

    def changefreq(self, item):
        return "weekly" if isinstance(item, Association) else "monthly"

    def get_latest_lastmod(self):
        latest = [
            model.objects.published().order_by("-updated").values_list("updated", flat=True)[:1]
            for model in (Page, Association)
        ]
        return max((value for values in latest for value in values), default=None)


SITEMAPS = {code: LanguageSitemap(code) for code, _name in settings.LANGUAGES}
