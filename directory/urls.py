from django.urls import path

from directory import views

app_name = "directory"

urlpatterns = [
    path("associations/", views.association_list, name="list"),
    path("associations/<slug:slug>/", views.association_detail, name="detail"),
]
