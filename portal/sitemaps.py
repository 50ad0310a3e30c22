"""sitemap.xml: every public page in all 19 languages, each with its hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from directory.models import Association
from pages.models import Page


class I18nSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticPagesSitemap(I18nSitemap):
    changefreq = "monthly"

    def items(self):
        return ["home", "directory:list", "directory:serving", "map", "open-data"]

    def location(self, item):
        return reverse(item)


class PagesSitemap(I18nSitemap):
    changefreq = "monthly"

    def items(self):
        return Page.objects.published().only("slug", "updated").order_by("order", "slug")

    def lastmod(self, page):
        return page.updated


class AssociationsSitemap(I18nSitemap):
    changefreq = "weekly"

    def items(self):
        return Association.objects.published().only("slug", "updated").order_by("pk")

    def lastmod(self, association):
        return association.updated


SITEMAPS = {
    "static": StaticPagesSitemap,
    "pages": PagesSitemap,
    "associations": AssociationsSitemap,
}
