from django.urls import path

from directory import views

app_name = "directory"

urlpatterns = [
    path("associations/", views.association_list, name="list"),
    # Before the detail pattern, which would otherwise take "serving" for a slug.
    path("associations/serving/", views.serving, name="serving"),
    path("associations/<slug:slug>/", views.association_detail, name="detail"),
]
