from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from pages import views as pages_views
from portal import views
from portal.sitemaps import SITEMAPS

urlpatterns = [
    # Staff choose their language in the admin itself, so its URLs carry no prefix.
    path("admin/language/", views.admin_language, name="admin-language"),
    path("admin/", admin.site.urls),
    # --- Site-wide, language-independent addresses (portal) ---
    path("open-data/", views.open_data_redirect, name="open-data-redirect"),
    path("open-data/", include("directory.open_data_urls")),
    path("text-size/", views.set_text_size, name="text-size"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    # The index (its address is published in robots.txt), then one sitemap per language.
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<str:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS, "template_name": "sitemap.xml"},
        name="sitemap-section",
    ),
    path("healthz", views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("", include("directory.urls")),
    path("pages/<slug:slug>/", pages_views.page, name="page"),
    path("enquiries/", include("enquiries.urls")),
    # --- Site search, map and open data (portal) ---
    path("search/", views.search, name="search"),
    path("map/", views.prefecture_map_page, name="map"),
    path("open-data/", views.open_data, name="open-data"),
)

handler400 = "core.errors.bad_request"
handler500 = "portal.views.server_error"
