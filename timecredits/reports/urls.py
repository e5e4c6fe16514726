from django.urls import path

from .views import outcomes, outputs, snapshots, valuation

urlpatterns = [
    path(
        "organisations/<int:organisation_id>/reports/",
        outputs.organisation_outputs,
        name="organisation-reports",
    ),
    path(
        "programmes/<int:programme_id>/reports/",
        outputs.programme_outputs,
        name="programme-reports",
    ),
    path(
        "programmes/<int:programme_id>/reports/outcomes/",
        outcomes.programme_outcomes,
        name="programme-outcomes",
    ),
    path(
        "programmes/<int:programme_id>/reports/outcomes/print",
        outcomes.programme_outcomes_print,
        name="programme-outcomes-print",
    ),
    path(
        "programmes/<int:programme_id>/reports/valuation/",
        valuation.programme_valuation,
        name="programme-valuation",
    ),
    path(
        "programmes/<int:programme_id>/admin/reports/proxy-values/",
        valuation.proxy_values_manage,
        name="programme-proxy-values",
    ),
    path(
        "programmes/<int:programme_id>/reports/print",
        outputs.programme_report_print,
        name="programme-report-print",
    ),
    path(
        "programmes/<int:programme_id>/reports/snapshots/",
        snapshots.snapshot_list,
        name="programme-snapshots",
    ),
    path(
        "programmes/<int:programme_id>/reports/snapshots/<int:snapshot_id>/",
        snapshots.snapshot_detail,
        name="programme-snapshot",
    ),
]
