from django.urls import path

from enquiries import views

app_name = "enquiries"

urlpatterns = [
    path("new/", views.new_enquiry, name="new"),
    path("send/", views.send_enquiry, name="send"),
    path("sent/<str:token>/", views.enquiry_sent, name="sent"),
]
