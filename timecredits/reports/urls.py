from django.urls import path

from . import views

urlpatterns = [
    path(
        "programmes/<int:programme_id>/reports/",
        views.programme_outputs,
        name="programme-reports",
    ),
]
