from django.urls import path

from . import views

urlpatterns = [
    path("c/<str:token>", views.scan, name="checkin-scan"),
    path("scan/", views.scan_page, name="scan"),
    path("checkin/", views.status, name="checkin-status"),
    path("checkout/", views.checkout, name="checkout"),
    path("me/contributions/", views.my_contributions, name="my-contributions"),
    path("me/contributions/claim/", views.claim, name="contribution-claim"),
    path("me/sessions/<int:session_id>/", views.member_session, name="member-session"),
    path(
        "me/sessions/<int:session_id>/calendar.ics",
        views.member_session_ics,
        name="member-session-ics",
    ),
    path("me/pass/", views.my_pass, name="member-pass"),
    path("me/pass/code/", views.my_pass_code, name="member-pass-code"),
    path("p/<str:token>", views.pass_scanned, name="pass-scanned"),
    path(
        "organisations/<int:organisation_id>/sessions/",
        views.organisation_sessions,
        name="organisation-sessions",
    ),
    path("organisations/<int:organisation_id>/verify/", views.verify, name="organisation-verify"),
    path("sessions/<int:session_id>/", views.session_detail, name="session-detail"),
    path(
        "sessions/<int:session_id>/attendance/",
        views.session_attendance,
        name="session-attendance",
    ),
    path("sessions/<int:session_id>/unapprove/", views.session_unapprove, name="session-unapprove"),
    path("sessions/<int:session_id>/cancel/", views.session_cancel, name="session-cancel"),
    path("sessions/<int:session_id>/reinstate/", views.session_reinstate, name="session-reinstate"),
    path("sessions/<int:session_id>/poster/", views.poster, name="session-poster"),
    path("sessions/<int:session_id>/poster.png", views.poster_png, name="session-poster-png"),
    path("sessions/<int:session_id>/kiosk/", views.kiosk, name="session-kiosk"),
    path("sessions/<int:session_id>/kiosk/code/", views.kiosk_code, name="session-kiosk-code"),
    path("sessions/<int:session_id>/kiosk.png", views.kiosk_png, name="session-kiosk-png"),
]
