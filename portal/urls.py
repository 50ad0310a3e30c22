from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    # Staff choose their language in the admin itself, so its URLs carry no prefix.
    path("admin/language/", views.admin_language, name="admin-language"),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("", include("directory.urls")),
    path("pages/<slug:slug>/", views.page, name="page"),
)

handler500 = "portal.views.server_error"
