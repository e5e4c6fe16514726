"""The programme's monthly snapshots as pages: the list, asking for one, and one snapshot with its
progress while it builds and, once ready, its report, its outcomes and its downloads (of the
outputs). Parse, call one use case, render."""

import datetime

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from timecredits.errors import Conflict, Invalid
from timecredits.signed_in import login_required

from .. import dashboard
from ..charts import trend_chart
from ..exports import OUTCOME_REASONS, outcomes_about, outcomes_tabulated, report_about
from ..use_cases import snapshots
from .common import download, printable

REFRESH_SECONDS = 3


@login_required
@require_http_methods(["GET", "POST"])
def snapshot_list(request, programme_id):
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    month, refused = f"{last_month:%Y-%m}", None
    if request.method == "POST":
        month = request.POST.get("month", "")[:20]
        try:
            snapshot, _ = snapshots.snapshot_request(
                actor=request.user, programme_id=programme_id, month=month
            )
        except Invalid as invalid:  # said by the field, with what was typed
            refused = invalid.message
        else:
            return redirect("programme-snapshot", programme_id, snapshot.pk)
    page = snapshots.programme_snapshots(actor=request.user, programme_id=programme_id)
    return render(request, "reports/snapshots.html", {**page, "month": month, "refused": refused})


@login_required
@require_GET
def snapshot_detail(request, programme_id, snapshot_id):
    asked = {"actor": request.user, "programme_id": programme_id, "snapshot_id": snapshot_id}
    if download(request):
        try:
            return snapshots.snapshot_download(**asked, format=download(request)).response()
        except Conflict:
            pass  # not ready yet: the page shows its progress
    page = snapshots.programme_snapshot(**asked)
    programme, snapshot = page["programme"], page["snapshot"]
    context = {
        "programme": programme,
        "snapshot": snapshot,
        "refresh": REFRESH_SECONDS if page["building"] else None,
        "may_request": page["may_request"],
    }
    if page["ready"]:
        generated_at = timezone.localtime(snapshot.generated_at)
        about = report_about(
            snapshot.report, programme_name=programme.name, generated_at=generated_at
        )
        context.update(printable(snapshot.report, about))
        context["tiles"] = dashboard.tiles(snapshot.report, None)
        context["tables"] = [dashboard.table(t) for t in snapshot.report["tables"]]
        context["trend"] = trend_chart(snapshot.report["trend"])
        if "outcomes" in snapshot.report:  # kept by snapshots made since outcomes were added
            outcomes = snapshot.report["outcomes"]
            context["outcomes"] = printable(
                outcomes_tabulated(outcomes),
                outcomes_about(outcomes, programme_name=programme.name, generated_at=generated_at),
                reasons=OUTCOME_REASONS,
            )
    return render(request, "reports/snapshot.html", context)
