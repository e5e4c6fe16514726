"""The programme's monthly snapshots as pages: the list, asking for one, and one snapshot with its
progress while it builds and, once ready, its report, its outcomes and its downloads (of the
outputs). Thin over `snapshots`."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from timecredits.permissions import Action, has_permission
from timecredits.programmes.models import Programme

from .charts import trend_chart
from .exports import report_about
from .models import Snapshot
from .outcome_services import WHY as OUTCOME_REASONS
from .outcome_services import outcomes_about, outcomes_tabulated
from .services import report_csv
from .snapshots import programme_snapshot, programme_snapshots, snapshot_request
from .views import printable, xlsx_response

REFRESH_SECONDS = 3


@login_required
@require_http_methods(["GET", "POST"])
def snapshot_list(request, programme_id):
    programme = get_object_or_404(Programme, pk=programme_id)
    if request.method == "POST":
        snapshot, _ = snapshot_request(
            actor=request.user, programme=programme, month=request.POST.get("month", "")
        )
        return redirect("programme-snapshot", programme.pk, snapshot.pk)
    snapshots = programme_snapshots(actor=request.user, programme=programme)
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    return render(
        request,
        "reports/snapshots.html",
        {
            "programme": programme,
            "snapshots": snapshots,
            "may_request": _may_request(request.user, programme),
            "last_month": f"{last_month:%Y-%m}",
        },
    )


@login_required
@require_GET
def snapshot_detail(request, programme_id, snapshot_id):
    programme = get_object_or_404(Programme, pk=programme_id)
    snapshot = programme_snapshot(actor=request.user, programme=programme, snapshot_id=snapshot_id)
    ready = snapshot.status == Snapshot.Status.READY
    about = []
    if ready:
        about = report_about(
            snapshot.report,
            programme_name=programme.name,
            generated_at=timezone.localtime(snapshot.generated_at),
        )
    name = f"snapshot-{programme.pk}-{snapshot.period_start:%Y-%m}"
    if ready and request.GET.get("format") == "csv":
        response = HttpResponse(report_csv(snapshot.report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if ready and request.GET.get("format") == "xlsx":
        return xlsx_response(snapshot.report, about=about, filename=f"{name}.xlsx")
    building = snapshot.status in (Snapshot.Status.QUEUED, Snapshot.Status.BUILDING)
    context = {
        "programme": programme,
        "snapshot": snapshot,
        "refresh": REFRESH_SECONDS if building else None,
        "may_request": _may_request(request.user, programme),
    }
    if ready:
        context.update(printable(snapshot.report, about))
        context["trend"] = trend_chart(snapshot.report["trend"])
        if "outcomes" in snapshot.report:  # kept by snapshots made since outcomes were added
            outcomes = snapshot.report["outcomes"]
            context["outcomes"] = printable(
                outcomes_tabulated(outcomes),
                outcomes_about(
                    outcomes,
                    programme_name=programme.name,
                    generated_at=timezone.localtime(snapshot.generated_at),
                ),
                reasons=OUTCOME_REASONS,
            )
    return render(request, "reports/snapshot.html", context)


def _may_request(user, programme) -> bool:
    return has_permission(user, Action.PROGRAMME_REPORTS_SNAPSHOT, programme=programme)
