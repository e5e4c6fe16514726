from django.urls import path

from . import views

urlpatterns = [
    path("me/survey/", views.survey, name="member-survey"),
    path(
        "programmes/<int:programme_id>/admin/surveys/",
        views.programme_surveys,
        name="programme-surveys",
    ),
]
