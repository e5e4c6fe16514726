"""Monthly snapshots: a programme's report for one calendar month, built in the background and
kept exactly as it was generated.

- **What is kept.** The whole programme, unfiltered, as its commissioners see it: the presented,
  suppressed report (`outputs.selectors.presented.build_programme_report`), the twelve-month
  trend ending with that month (`outputs.selectors.trend`) and the month's suppressed outcomes
  under `outcomes` (`outcomes.selectors.presented`), with the parameters it was built with
  and when. Snapshots kept before outcomes were added have no `outcomes`.
- **One per programme and month**, enforced by a unique constraint. Asking again for a month
  returns the snapshot there is; only a failed one is queued again. Only months that have ended
  can be kept, so that a snapshot never freezes a month still being counted.
- **Building** (`snapshot_build`, run by django-q2) goes queued -> building -> ready, or failed
  with its error. `progress` is the percent of sections done and `step` names the one being
  built. A build claims its row with a conditional UPDATE, so a task run twice builds once. A
  build still running after the worker's timeout was stopped (the worker kills it without
  letting it record anything): it is marked failed when its month is next asked for, and by
  the daily job.
- **Ready is final**: database triggers refuse any change to a ready row (`guarantees`).
- **Who**: programme admins ask for one; programme admins and commissioners read them
  (`selectors`); the use cases check.
"""

import datetime
import json
import logging
import re
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django_q.tasks import async_task

from timecredits.activities.limits import FIRST_YEAR
from timecredits.errors import Invalid
from timecredits.programmes.selectors import programmes_running

from ..models import Snapshot
from ..outcomes.selectors.presented import programme_outcomes_report
from ..outputs.selectors.presented import build_programme_report
from ..outputs.selectors.trend import programme_trend
from ..periods import month_bounds

logger = logging.getLogger(__name__)
# Kept on the snapshot in English and shown in the reader's language (reports/snapshot.html).
STALLED = gettext_noop("The build stopped before it finished (it ran past the worker's timeout).")


def _outputs(snapshot: Snapshot, report: dict) -> dict:
    return build_programme_report(
        programme=snapshot.programme,
        period_start=snapshot.period_start,
        period_end=snapshot.period_end,
    )


def _trend(snapshot: Snapshot, report: dict) -> dict:
    return {
        "trend": programme_trend(
            programme=snapshot.programme,
            last_month=snapshot.period_start,
            period_start=snapshot.period_start,
            headline={f["key"]: f["value"] for f in report["figures"]},
        )
    }


def _outcomes(snapshot: Snapshot, report: dict) -> dict:
    outcomes = programme_outcomes_report(
        programme=snapshot.programme,
        period_start=snapshot.period_start,
        period_end=snapshot.period_end,
    )
    # Kept as JSON: means and shares as numbers, not as the strings Decimals would become.
    return {"outcomes": json.loads(json.dumps(outcomes, default=_number))}


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    return DjangoJSONEncoder().default(value)


# Each section adds its keys to the kept report, in order, reading what is there so far;
# progress moves after each one.
SECTIONS = [
    (gettext_noop("Counting the month's outputs"), _outputs),
    (gettext_noop("Counting the twelve months to it"), _trend),
    (gettext_noop("Counting the month's outcomes"), _outcomes),
]


def snapshots_request_last_month(*, today: datetime.date | None = None) -> list[Snapshot]:
    """Last month's snapshot for every programme running in it; the ones queued now."""
    today = today or timezone.localdate()
    month = f"{today.replace(day=1) - datetime.timedelta(days=1):%Y-%m}"
    start, end = month_bounds(month)
    snapshots_fail_stalled()
    queued = []
    for programme in programmes_running(start=start, end=end):
        snapshot, built_now = snapshot_request(programme=programme, month=month, today=today)
        if built_now:
            queued.append(snapshot)
    return queued


def snapshot_request(
    *, programme, month: str, requested_by=None, today=None
) -> tuple[Snapshot, bool]:
    """The programme's snapshot of `month` ("YYYY-MM"), and whether a build was queued now."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}", month) or int(month[:4]) < FIRST_YEAR:
            raise ValueError(month)
        start, end = month_bounds(month)
    except ValueError:
        raise Invalid(gettext("Give the month as YYYY-MM."), detail={"field": "month"}) from None
    if end >= (today or timezone.localdate()):
        raise Invalid(
            gettext("A snapshot is of a month that has ended."),
            detail={"field": "month", "month": month},
        )
    snapshots_fail_stalled(Snapshot.objects.filter(programme=programme, period_start=start))
    with transaction.atomic():
        snapshot, created = Snapshot.objects.get_or_create(
            programme=programme,
            period_start=start,
            period_end=end,
            defaults={"requested_by": requested_by, "parameters": {"month": month}},
        )
        # Asked again: a failed build is queued again, and so is one queued so long ago that
        # its task was lost (a worker killed after taking it): the build claims its snapshot,
        # so a late task that does run too builds nothing twice.
        lost = timezone.now() - datetime.timedelta(
            seconds=settings.Q_CLUSTER["timeout"] + settings.Q_CLUSTER["retry"]
        )
        again = Q(status=Snapshot.Status.FAILED) | Q(
            status=Snapshot.Status.QUEUED, requested_at__lt=lost
        )
        queued = created or bool(
            Snapshot.objects.filter(again, pk=snapshot.pk).update(
                status=Snapshot.Status.QUEUED,
                progress=0,
                step="",
                error="",
                requested_at=timezone.now(),
            )
        )
        if queued:
            pk = snapshot.pk
            transaction.on_commit(
                lambda: async_task("timecredits.reports.tasks.build_snapshot", pk)
            )
    snapshot.refresh_from_db()
    return snapshot, queued


def snapshots_fail_stalled(snapshots=None) -> int:
    """Mark failed the builds that have outlived the worker's timeout; how many there were."""
    since = timezone.now() - datetime.timedelta(seconds=settings.Q_CLUSTER["timeout"])
    return (
        (Snapshot.objects.all() if snapshots is None else snapshots)
        .filter(status=Snapshot.Status.BUILDING, started_at__lt=since)
        .update(status=Snapshot.Status.FAILED, error=STALLED)
    )


def snapshot_build(*, snapshot_id: int) -> Snapshot:
    """Build a queued snapshot, section by section; a failure is recorded with its error."""
    claimed = Snapshot.objects.filter(pk=snapshot_id, status=Snapshot.Status.QUEUED).update(
        status=Snapshot.Status.BUILDING, progress=0, step=SECTIONS[0][0], started_at=timezone.now()
    )
    snapshot = Snapshot.objects.select_related("programme").get(pk=snapshot_id)
    if not claimed:
        return snapshot  # ready, failed or already being built by another run
    building = Snapshot.objects.filter(pk=snapshot_id, status=Snapshot.Status.BUILDING)
    try:
        report = {}
        for done, (step, section) in enumerate(SECTIONS):
            building.update(step=step, progress=100 * done // len(SECTIONS))
            # Its own transaction (a savepoint inside a caller's), so a failed query cannot
            # poison the rest.
            with transaction.atomic():
                report.update(section(snapshot, report))
        building.update(
            status=Snapshot.Status.READY,
            progress=100,
            step="Ready",
            report=json.loads(json.dumps(report, cls=DjangoJSONEncoder)),
            parameters={
                "month": f"{snapshot.period_start:%Y-%m}",
                "period_start": snapshot.period_start.isoformat(),
                "period_end": snapshot.period_end.isoformat(),
                "threshold": snapshot.programme.report_threshold,
                "organisation": None,
                "activity_type": "",
                "area": "",
                "sections": [step for step, _ in SECTIONS],
            },
            generated_at=timezone.now(),
        )
    except Exception as error:  # recorded on the row for the reader, and logged in full
        logger.exception("Snapshot %s failed", snapshot_id)
        building.update(status=Snapshot.Status.FAILED, error=f"{type(error).__name__}: {error}")
    snapshot.refresh_from_db()
    return snapshot
