from django.urls import path

from directory import open_data

app_name = "open_data"

urlpatterns = [
    path("associations.csv", open_data.associations_csv, name="csv"),
    path("associations.json", open_data.associations_json, name="json"),
    path("hsds/organizations.json", open_data.hsds_organizations, name="hsds-organizations"),
]
