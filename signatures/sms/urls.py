from django.urls import path

from signatures.sms import views

urlpatterns = [
    path("parametres/sms/", views.sms_list, name="sms_list"),
    path("parametres/sms/<int:pk>/", views.sms_detail, name="sms_detail"),
]
