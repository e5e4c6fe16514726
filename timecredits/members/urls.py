from django.urls import path

from . import views

urlpatterns = [
    path("join/", views.join, name="join"),
    path("language/", views.choose_language, name="choose-language"),
    path("me/", views.profile, name="member-profile"),
    path("me/details/", views.edit_profile, name="member-edit-profile"),
    path("me/choices/", views.edit_consents, name="member-edit-consents"),
    path("me/about-you/", views.edit_demographics, name="member-edit-demographics"),
    path("me/data.json", views.download_data, name="member-download-data"),
    path("me/card/", views.card, name="member-card"),
    path("me/card/replace/", views.card_replace, name="member-card-replace"),
    path("me/credits/", views.history, name="member-history"),
    path("me/close/", views.close, name="member-close"),
]
