from django.urls import path

from . import views

urlpatterns = [
    path("programmes/<int:programme_id>/admin/", views.programme_admin, name="programme-admin"),
    path(
        "programmes/<int:programme_id>/organisations/<int:organisation_id>/decide",
        views.decide,
        name="programme-decide",
    ),
    path(
        "programmes/<int:programme_id>/admin/population/",
        views.population,
        name="programme-population",
    ),
    path(
        "programmes/<int:programme_id>/admin/allocations/",
        views.allocate,
        name="programme-allocate",
    ),
]
