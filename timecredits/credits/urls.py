from django.urls import path

from . import views

urlpatterns = [
    path("me/give/", views.give, name="credits-give"),
    path("me/donate/", views.donate_page, name="credits-donate"),
    path(
        "organisations/<int:organisation_id>/statement/",
        views.statement,
        name="organisation-statement",
    ),
    path(
        "organisations/<int:organisation_id>/statement.csv",
        views.statement_download,
        name="organisation-statement-csv",
    ),
    path(
        "programmes/<int:programme_id>/admin/expiries/",
        views.expiries,
        name="programme-expiries",
    ),
    path(
        "programmes/<int:programme_id>/admin/expiries/<int:transfer_id>/reverse",
        views.reverse,
        name="programme-expiry-reverse",
    ),
]
