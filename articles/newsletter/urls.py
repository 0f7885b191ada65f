from django.urls import path

from . import views

app_name = "newsletter"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("danke/", views.thanks, name="thanks"),
    path("bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path("verwalten/<str:key>/", views.manage, name="manage"),
    path("abmelden/<str:key>/", views.unsubscribe, name="unsubscribe"),
]
