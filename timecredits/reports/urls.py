from django.urls import path

from . import snapshot_views, views

urlpatterns = [
    path(
        "organisations/<int:organisation_id>/reports/",
        views.organisation_outputs,
        name="organisation-reports",
    ),
    path(
        "programmes/<int:programme_id>/reports/",
        views.programme_outputs,
        name="programme-reports",
    ),
    path(
        "programmes/<int:programme_id>/reports/outcomes/",
        views.programme_outcomes,
        name="programme-outcomes",
    ),
    path(
        "programmes/<int:programme_id>/reports/outcomes/print",
        views.programme_outcomes_print,
        name="programme-outcomes-print",
    ),
    path(
        "programmes/<int:programme_id>/reports/valuation/",
        views.programme_valuation,
        name="programme-valuation",
    ),
    path(
        "programmes/<int:programme_id>/admin/reports/proxy-values/",
        views.proxy_values_manage,
        name="programme-proxy-values",
    ),
    path(
        "programmes/<int:programme_id>/reports/print",
        views.programme_report_print,
        name="programme-report-print",
    ),
    path(
        "programmes/<int:programme_id>/reports/snapshots/",
        snapshot_views.snapshot_list,
        name="programme-snapshots",
    ),
    path(
        "programmes/<int:programme_id>/reports/snapshots/<int:snapshot_id>/",
        snapshot_views.snapshot_detail,
        name="programme-snapshot",
    ),
]
