"""The pages of offers and redemptions: a member's, and a venue's till and offers."""

from django.urls import path

from . import views

urlpatterns = [
    path("offers/", views.offer_list, name="offers"),
    path("offers/<int:offer_id>/", views.offer_detail, name="offer-detail"),
    path("offers/<int:offer_id>/photo", views.offer_photo, name="offer-photo"),
    path("me/redemptions/", views.my_redemptions, name="my-redemptions"),
    path("me/redemptions/<int:redemption_id>/", views.my_redemption, name="my-redemption"),
    path(
        "me/redemptions/<int:redemption_id>/cancel",
        views.my_redemption_cancel,
        name="my-redemption-cancel",
    ),
    path("r/<str:token>", views.redemption_scanned, name="redemption-scanned"),
    path(
        "organisations/<int:organisation_id>/redeem/",
        views.venue_redeem,
        name="venue-redeem",
    ),
    path(
        "organisations/<int:organisation_id>/offers/",
        views.venue_offers,
        name="venue-offers",
    ),
    path(
        "organisations/<int:organisation_id>/offers/<int:offer_id>/",
        views.venue_offers,
        name="venue-offer-edit",
    ),
]
