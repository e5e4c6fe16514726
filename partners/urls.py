from django.urls import path

from . import views

urlpatterns = [
    path(
        "organisations/<int:organisation_id>/",
        views.organisation_detail,
        name="organisation-detail",
    ),
    path(
        "organisations/<int:organisation_id>/settings/",
        views.organisation_settings,
        name="organisation-settings",
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
    path(
        "organisations/<int:organisation_id>/invitations/<int:invitation_id>/withdraw/",
        views.invitation_withdraw,
        name="organisation-invitation-withdraw",
    ),
    path(
        "organisations/<int:organisation_id>/staff/<int:membership_id>/remove/",
        views.staff_remove,
        name="organisation-staff-remove",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation-accept"),
    path("invitations/<str:token>/accept", views.invitation_accept, name="invitation-accept-post"),
]
