from django.urls import path

from . import offer_views, views

urlpatterns = [
    path(
        "organisations/<int:organisation_id>/",
        views.organisation_detail,
        name="organisation-detail",
    ),
    path(
        "organisations/<int:organisation_id>/members/<int:member_id>/card/",
        views.member_card,
        name="organisation-member-card",
    ),
    path(
        "organisations/<int:organisation_id>/members/<int:member_id>/card/replace/",
        views.member_card_reissue,
        name="organisation-member-card-replace",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation-accept"),
    path("invitations/<str:token>/accept", views.invitation_accept, name="invitation-accept-post"),
    path("offers/", offer_views.offer_list, name="offers"),
    path("offers/<int:offer_id>/", offer_views.offer_detail, name="offer-detail"),
    path("offers/<int:offer_id>/photo", offer_views.offer_photo, name="offer-photo"),
    path("me/redemptions/", offer_views.my_redemptions, name="my-redemptions"),
    path("me/redemptions/<int:redemption_id>/", offer_views.my_redemption, name="my-redemption"),
    path(
        "me/redemptions/<int:redemption_id>/cancel",
        offer_views.my_redemption_cancel,
        name="my-redemption-cancel",
    ),
    path("r/<str:token>", offer_views.redemption_scanned, name="redemption-scanned"),
    path(
        "organisations/<int:organisation_id>/redeem/",
        offer_views.venue_redeem,
        name="venue-redeem",
    ),
    path(
        "organisations/<int:organisation_id>/offers/",
        offer_views.venue_offers,
        name="venue-offers",
    ),
    path(
        "organisations/<int:organisation_id>/offers/<int:offer_id>/",
        offer_views.venue_offers,
        name="venue-offer-edit",
    ),
]
