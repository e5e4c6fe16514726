"""Check-in pages: the member's scan, check-out and history, their rotating pass, and the
coordinator's sessions, poster, kiosk and pass scanner."""

from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from timecredits.errors import Conflict, DomainError, Invalid, NotFound, PermissionDenied
from timecredits.forms import row_id, sent_once
from timecredits.members.passes import read_pass_token
from timecredits.qr import qr_png, qr_svg
from timecredits.signed_in import login_required
from timecredits.templatetags.credits import credits

from .calendar import session_ics
from .errors import AlreadyCheckedInElsewhere
from .forms import (
    ActivityForm,
    AttendanceForm,
    ClaimForm,
    DecisionForm,
    SessionFilterForm,
    SessionForm,
    UnapproveForm,
)
from .limits import CLAIM_WINDOW
from .tokens import read_checkin_token
from .use_cases import checkins, scanning, sessions, verification


def _refused(request, error: DomainError, status: int = 400):
    return render(request, "activities/refused.html", {"error": error}, status=status)


def _signed_out_landing(request, session_id: int):
    """Someone not signed in scanned a code: where they are, and how to sign in or join, each
    coming back here afterwards."""
    here = request.get_full_path()
    return render(
        request,
        "activities/confirm.html",
        {
            "scan": checkins.checkin_landing(session_id=session_id),
            "form": AuthenticationForm(request),
            "next": here,
            "join_url": f"{reverse('join')}?{urlencode({'next': here})}",
        },
    )


@require_http_methods(["GET", "POST"])
def scan(request, token):
    """Where a phone's camera lands: check the token first, then sign in, then one tap. Once
    checked in, scanning or tapping again shows the check-in: it never checks out."""
    try:
        ticket = read_checkin_token(token, now=timezone.now())
    except DomainError as refused:
        return _refused(request, refused)
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        return _signed_out_landing(request, ticket.session_id)
    scan = checkins.checkin_scan(
        actor=request.user,
        session_id=ticket.session_id,
        token=token,
        confirmed=request.method == "POST",
        latitude=request.POST.get("latitude") or None,
        longitude=request.POST.get("longitude") or None,
    )
    if scan.refused is not None:
        status = 409 if isinstance(scan.refused, AlreadyCheckedInElsewhere) else 400
        return _refused(request, scan.refused, status=status)
    if scan.existing is not None and scan.existing.status == "checked_in":
        return redirect("checkin-status")
    return render(request, "activities/confirm.html", {"scan": scan, "token": token})


@login_required
@require_http_methods(["GET"])
def scan_page(request):
    """The member's scanner: the camera or a photo reads a code in the page (scanner.js); the
    address typed or pasted under it comes back here as ?code= and goes to the page it names."""
    member = scanning.scan_page(actor=request.user)
    error, typed = None, request.GET.get("code")
    if typed is not None:
        try:
            return redirect(
                scanning.scanned_code_target(
                    actor=request.user, text=typed, host=request.get_host()
                )
            )
        except Invalid as refused:
            error = refused.message
    return render(
        request,
        "activities/scan.html",
        {"member": member, "error": error, "typed": typed or ""},
        status=400 if error else 200,
    )


@login_required
def status(request):
    return render(
        request, "activities/status.html", {"open": checkins.checkin_open(actor=request.user)}
    )


def _duration(minutes: int) -> str:
    """A length of time in words: "1 hour 5 minutes"."""
    if minutes < 1:
        return _("less than a minute")
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if minutes:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return " ".join(parts)


def _minutes_since(moment) -> int:
    return max(0, int((timezone.now() - moment).total_seconds() // 60))


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request):
    """Checking out is asked for, then confirmed: a tap meant for Check in never checks out."""
    if request.method == "GET":
        open_checkin = checkins.checkin_open(actor=request.user)
        if open_checkin is None:
            return redirect("checkin-status")
        return render(
            request,
            "activities/checkout.html",
            {"open": open_checkin, "stayed": _duration(_minutes_since(open_checkin.checked_in_at))},
        )
    try:
        contribution = checkins.checkout(actor=request.user, refuse_non_members=False)
    except NotFound:  # no member profile
        raise
    except DomainError as refused:
        return _refused(request, refused, status=409)
    messages.success(
        request,
        _("You are checked out. The coordinator will check your time (%(time)s).")
        % {"time": _duration(contribution.minutes)},
    )
    return redirect("my-contributions")


@login_required
def my_contributions(request):
    page = row_id(request.GET.get("page", "")) or 1
    return render(
        request,
        "activities/my_contributions.html",
        checkins.contributions_page(actor=request.user, page=page),
    )


@login_required
@require_safe
def member_session(request, session_id):
    """A session of the member's programme: when, where, what it earns, a way into their
    calendar, and the scanner while its door is open."""
    page = checkins.member_session_page(actor=request.user, session_id=session_id)
    return render(
        request,
        "activities/member_session.html",
        {
            "session": page.session,
            "earns": page.earns,
            "open_now": page.open_now,
            "mine": page.mine,
        },
    )


@login_required
@require_safe
def member_session_ics(request, session_id):
    """The same session as a calendar event, to open in the phone's calendar."""
    page = checkins.member_session_page(actor=request.user, session_id=session_id)
    path = reverse("member-session", args=[session_id])
    response = HttpResponse(
        session_ics(page.session, path=path), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="session-{session_id}.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def claim(request):
    """A member claims time at a past session they came to but did not check in at."""
    chosen = request.GET.get("session", "")
    page = checkins.claim_page(actor=request.user, chosen_session_id=row_id(chosen))
    initial = {}
    if page.chosen is not None:
        initial = {
            "session": page.chosen.pk,
            "start": timezone.localtime(page.chosen.starts_at).time(),
            "end": timezone.localtime(min(page.chosen.ends_at, timezone.now())).time(),
        }
    if page.already is not None and request.method == "GET":
        messages.info(
            request,
            _("You already have time recorded at %(session)s. It is in Your time given.")
            % {"session": page.already.activity.title},
        )
    if page.too_late and request.method == "GET":
        messages.info(
            request,
            _(
                "You can claim time only for sessions in the last %(days)d days. Ask the "
                "group's coordinator to add it."
            )
            % {"days": CLAIM_WINDOW.days},
        )
    form = ClaimForm(request.POST or None, sessions=page.offered, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            checkins.contribution_claim(
                actor=request.user,
                session_id=data["session"].pk,
                start=data["starts_at"],
                end=data["ends_at"],
                reason=data["note"],
                refuse_non_members=False,
            )
        except DomainError as refused:
            if isinstance(refused, Invalid) and isinstance(refused.detail, list):
                form.add_service_errors(refused)
            else:
                form.add_error(None, refused.message)
        else:
            messages.success(
                request, _("Thank you. Your time waits for the coordinator to verify it.")
            )
            return redirect("my-contributions")
    return render(request, "activities/claim.html", {"form": form})


@login_required
def my_pass(request):
    """The member's phone shows a pass that changes every 30 seconds: the page's script fetches
    each new code from my_pass_code, and without script the Refresh button reloads the page."""
    member_pass = checkins.my_pass(actor=request.user)
    return render(
        request,
        "activities/pass.html",
        {
            **member_pass,
            "qr": qr_svg(member_pass["url"]),
            "card_qr": qr_svg(member_pass["card_url"]),
        },
    )


@login_required
@require_safe
def my_pass_code(request):
    """The pass page's next code, for its script: the QR code and how long it has on screen."""
    member_pass = checkins.my_pass(actor=request.user)
    return JsonResponse(
        {"qr": qr_svg(member_pass["url"]), "seconds_left": member_pass["seconds_left"]}
    )


def _charge_url(venue, token: str) -> str:
    return f"{reverse('venue-redeem', args=[venue.pk])}?{urlencode({'pass': token})}"


@login_required
@require_http_methods(["GET", "POST"])
def pass_scanned(request, token):
    """Where a phone's camera lands after scanning a member's pass. A coordinator picks one of
    their sessions happening now to check the member in; venue staff go on to charge the member
    an offer; another member goes on to give them credits."""
    try:
        read_pass_token(token, now=timezone.now())
    except DomainError as refused:
        return _refused(request, refused)
    if request.method == "POST":
        try:
            contribution = checkins.pass_checkin_now(
                actor=request.user, pass_token=token, session_id=request.POST.get("session")
            )
        except DomainError as refused:
            return _refused(request, refused)
        messages.success(request, _("Checked in: member %s.") % contribution.member.code)
        return redirect("session-detail", contribution.session_id)
    try:
        page = checkins.pass_scanned(actor=request.user, pass_token=token)
    except DomainError as refused:
        return _refused(request, refused)
    if page.give_to:
        return redirect(f"{reverse('credits-give')}?{urlencode({'code': page.give_to})}")
    if len(page.venues) == 1 and not page.sessions:
        return redirect(_charge_url(page.venues[0], token))
    return render(
        request,
        "activities/pass_scanned.html",
        {
            "sessions": page.sessions,
            "token": token,
            "charges": [(venue, _charge_url(venue, token)) for venue in page.venues],
        },
    )


def _session_page(request, page, *, attendance=None, status=200):
    session = page.session
    return render(
        request,
        "activities/session.html",
        {
            "page": page,
            "session": session,
            "contributions": page.contributions,
            "attendance": attendance
            or AttendanceForm(
                prefix="attendance",
                initial={"minutes": session.length_minutes},
                fixed=session.credit_rule == session.CreditRule.FIXED,
            ),
            "can_verify": page.can_verify,
        },
        status=status,
    )


@login_required
def session_detail(request, session_id):
    return _session_page(request, checkins.session_page(actor=request.user, session_id=session_id))


def _who(contribution) -> str:
    member = contribution.member
    name = member.user.get_full_name()
    return f"{name} ({member.code})" if name else member.code


def _attendance_refused(form: AttendanceForm, refused: DomainError) -> None:
    """Show why the list was refused, naming the codes it was refused for; time out of bounds
    in hours, as the form asks for it."""
    if isinstance(refused, Invalid) and isinstance(refused.detail, list):
        for problem in refused.detail:
            if problem.get("field") == "minutes" and "most" in problem:
                form.add_error(
                    "minutes",
                    _("Give from %(least)s to %(most)s hours, the session's length.")
                    % {"least": credits(problem["least"]), "most": credits(problem["most"])},
                )
                return
        form.add_service_errors(refused)
        return
    detail = refused.detail if isinstance(refused.detail, dict) else {}
    codes = detail.get("member_codes") or detail.get("members") or []
    message = _("%(problem)s Nothing was recorded.") % {"problem": refused.message}
    if codes:
        message = _("%(problem)s (%(codes)s) Nothing was recorded.") % {
            "problem": refused.message,
            "codes": ", ".join(codes),
        }
    form.add_error("member_codes", message)


@login_required
@require_POST
def session_attendance(request, session_id):
    """A coordinator types the codes of who came; all of them are added, or none."""
    form = AttendanceForm(request.POST, prefix="attendance")
    if not form.is_valid():
        page = checkins.session_page(actor=request.user, session_id=session_id)
        return _session_page(request, page, attendance=form)
    attendance = checkins.session_attendance(
        actor=request.user,
        session_id=session_id,
        member_codes=form.cleaned_data["member_codes"],
        minutes=form.cleaned_data["minutes"],
    )
    if attendance.refused is not None:
        _attendance_refused(form, attendance.refused)
        return _session_page(request, attendance.page, attendance=form)
    added = attendance.added
    messages.success(
        request,
        ngettext(
            "Added %(count)d person, waiting for verification: %(who)s.",
            "Added %(count)d people, waiting for verification: %(who)s.",
            len(added),
        )
        % {"count": len(added), "who": ", ".join(_who(c) for c in added)},
    )
    return redirect("session-detail", session_id)


def _posted_id(request, name: str) -> int | None:
    """The id of a row named in the form; None names none (the use case finds nothing)."""
    return row_id(request.POST.get(name))


@login_required
@require_POST
def session_unapprove(request, session_id):
    """Undo an approval: the earned credits are reversed and the time waits for a decision."""
    form = UnapproveForm(request.POST)
    # An empty reason goes on to the service, which says why it is needed.
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        contribution = verification.contribution_unapprove(
            actor=request.user,
            contribution_id=_posted_id(request, "contribution"),
            reason=reason,
            session_id=session_id,
        )
    except (NotFound, PermissionDenied):
        raise
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _(
                "Approval undone for %(who)s: the credits were taken back, and the time "
                "waits for a decision again."
            )
            % {"who": _who(contribution)},
        )
    return redirect("session-detail", session_id)


@login_required
@require_POST
def session_cancel(request, session_id):
    """Cancel a session before it starts, or with `series` the rest of its series too."""
    try:
        cancelled = sessions.session_cancel(
            actor=request.user, session_id=session_id, series=request.POST.get("series") == "on"
        )
    except (NotFound, PermissionDenied):
        raise
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        if len(cancelled) > 1:
            messages.success(
                request,
                ngettext(
                    "Cancelled this session and the one after it in the series.",
                    "Cancelled this session and the %(count)d after it in the series.",
                    len(cancelled) - 1,
                )
                % {"count": len(cancelled) - 1},
            )
        else:
            messages.success(request, _("Session cancelled. Check-in is closed for it."))
    return redirect("session-detail", session_id)


@login_required
@require_POST
def session_reinstate(request, session_id):
    """Put back a session cancelled by mistake."""
    try:
        sessions.session_reinstate(actor=request.user, session_id=session_id)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The session is back on."))
    return redirect("session-detail", session_id)


def _code_page(request, session_id, mode):
    """The session's printable poster or its door screen: the code people scan to check in."""
    code = sessions.session_checkin_code(actor=request.user, session_id=session_id, mode=mode)
    return render(
        request,
        f"activities/{mode}.html",
        {
            "session": code.session,
            "qr": qr_svg(code.url),
            "url": code.url,
            "seconds_left": code.seconds_left,
        },
    )


@login_required
def poster(request, session_id):
    return _code_page(request, session_id, "poster")


@login_required
def poster_png(request, session_id):
    code = sessions.session_checkin_code(actor=request.user, session_id=session_id, mode="poster")
    response = HttpResponse(qr_png(code.url), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="session-{session_id}-checkin.png"'
    return response


@login_required
def kiosk(request, session_id):
    return _code_page(request, session_id, "kiosk")


@login_required
@require_safe
def kiosk_code(request, session_id):
    """The door screen's next code, for its script: the QR code and how long it has on screen."""
    code = sessions.session_kiosk_code(actor=request.user, session_id=session_id)
    return JsonResponse({"qr": qr_svg(code.url), "seconds_left": code.seconds_left})


@login_required
def kiosk_png(request, session_id):
    code = sessions.session_checkin_code(actor=request.user, session_id=session_id, mode="kiosk")
    response = HttpResponse(qr_png(code.url), content_type="image/png")
    response["Cache-Control"] = "no-store"
    return response


def _create(form_name: str, actor, organisation_id: int, data: dict) -> str:
    """Add what the bound form describes; the message that says so."""
    if form_name == "activity":
        sessions.activity_create(actor=actor, organisation_id=organisation_id, **data)
        return _("Activity added.")
    data = dict(data)
    created = sessions.sessions_create(actor=actor, activity_id=data.pop("activity").pk, **data)
    return ngettext("%d session added.", "%d sessions added.", len(created)) % len(created)


def _session_filters(request, organisation_id: int):
    """The sessions list's filters as asked for (GET), and the page of sessions they choose;
    filters that do not make sense are shown as errors and the list is left unfiltered."""
    form = SessionFilterForm(request.GET)
    valid = form.is_valid()
    chosen = form.cleaned_data if valid else {"when": form.cleaned_data.get("when")}
    page = sessions.sessions_page(
        actor=request.user,
        organisation_id=organisation_id,
        when=chosen.get("when") or "upcoming",
        start=chosen.get("start"),
        end=chosen.get("end"),
        activity_id=chosen.get("activity"),
        page=chosen.get("page") or 1,
    )
    form.show_activities(page["activities"])
    return form, page


def _page_link(request, number: int) -> str:
    query = request.GET.copy()
    query["page"] = number
    return f"{request.path}?{query.urlencode()}"


@login_required
@require_http_methods(["GET", "POST"])
def organisation_sessions(request, organisation_id):
    """A coordinator's sessions, coming up or past or with time waiting, filtered by dates and
    activity, with forms to add activities and sessions."""
    form_name = request.POST.get("form")
    activity_form = ActivityForm(
        request.POST if form_name == "activity" else None, prefix="activity"
    )
    session_form = SessionForm(
        request.POST if form_name == "session" else None,
        organisation_id=organisation_id,
        prefix="session",
    )
    bound = {"activity": activity_form, "session": session_form}.get(form_name)
    if bound is not None and bound.is_valid():
        try:
            message = sent_once(
                f"add-{form_name}:{request.user.pk}",
                bound.cleaned_data,
                lambda data: _create(form_name, request.user, organisation_id, data),
            )
        except (Invalid, Conflict) as refused:
            bound.add_service_errors(refused)
        else:
            messages.success(request, message)
            return redirect("organisation-sessions", organisation_id)
    filters, page = _session_filters(request, organisation_id)
    rows = page["sessions"]
    return render(
        request,
        "activities/organisation_sessions.html",
        {
            **page,
            "filters": filters,
            "filtered": any(request.GET.get(name) for name in ("start", "end", "activity")),
            "previous_link": _page_link(request, rows.number - 1) if rows.has_previous() else "",
            "next_link": _page_link(request, rows.number + 1) if rows.has_next() else "",
            "activity_form": activity_form,
            "session_form": session_form,
        },
    )


def _who_list(contributions) -> str:
    return ", ".join(_who(c) for c in contributions)


def _approve_selected(request, organisation_id: int) -> None:
    """Approve the ticked rows; say what was approved, and what was not and why."""
    ids = [i for i in map(row_id, request.POST.getlist("contributions")) if i is not None]
    done = verification.contributions_approve(
        actor=request.user, organisation_id=organisation_id, contribution_ids=ids
    )
    if done.approved:
        messages.success(
            request,
            ngettext(
                "Approved %(count)d person's time: %(who)s. Their credits are posted.",
                "Approved %(count)d people's time: %(who)s. Their credits are posted.",
                len(done.approved),
            )
            % {"count": len(done.approved), "who": _who_list(done.approved)},
        )
    if done.already:
        messages.info(
            request,
            _("Already approved, nothing changed: %(who)s.") % {"who": _who_list(done.already)},
        )
    unnamed = {}
    for _id, contribution, reason in done.refused:
        if contribution is None:
            unnamed[reason] = unnamed.get(reason, 0) + 1
        else:
            messages.error(
                request,
                _("Not approved for %(who)s: %(reason)s")
                % {"who": _who(contribution), "reason": reason},
            )
    for reason, count in unnamed.items():
        messages.error(
            request,
            ngettext(
                "One was not approved: %(reason)s",
                "%(count)d were not approved: %(reason)s",
                count,
            )
            % {"count": count, "reason": reason},
        )


def _decide(request, organisation_id: int, form: DecisionForm) -> str:
    """Take the decision posted on the queue; the message that says what was done."""
    if "session" in request.POST:
        approved = verification.session_approve_all(
            actor=request.user,
            session_id=_posted_id(request, "session"),
            organisation_id=organisation_id,
        )
        if not approved:
            # A page drawn before: everyone there was decided meanwhile, or their time runs on.
            raise Conflict(
                _("Nothing at this session is waiting to be approved now."),
                code="nothing_to_approve",
            )
        return ngettext(
            "Approved %(count)d person's time: %(who)s. Their credits are posted.",
            "Approved %(count)d people's time: %(who)s. Their credits are posted.",
            len(approved),
        ) % {"count": len(approved), "who": _who_list(approved)}
    contribution_id = _posted_id(request, "contribution")
    if not form.is_valid():
        verification.decision_refused(
            actor=request.user,
            organisation_id=organisation_id,
            contribution_id=contribution_id,
            message=" ".join(m for errors in form.errors.values() for m in errors),
        )
    data = form.cleaned_data
    if data["decision"] == "reject":
        contribution = verification.contribution_reject(
            actor=request.user,
            contribution_id=contribution_id,
            reason=data.get("reason") or "",
            organisation_id=organisation_id,
        )
        return _("Rejected: %(who)s.") % {"who": _who(contribution)}
    contribution = verification.contribution_approve(
        actor=request.user,
        contribution_id=contribution_id,
        minutes=data.get("minutes"),
        reason=data.get("reason") or "",
        organisation_id=organisation_id,
    )
    return _("Approved: %(who)s.") % {"who": _who(contribution)}


@login_required
@require_http_methods(["GET", "POST"])
def verify(request, organisation_id):
    """The coordinator's queue, one row per person and session: approve in one tap, change the
    hours or reject (with a reason) on demand, approve the ticked rows or a whole session."""
    refused_change = None
    if request.method == "POST":
        try:
            if "approve_selected" in request.POST:
                _approve_selected(request, organisation_id)
            else:
                messages.success(
                    request, _decide(request, organisation_id, DecisionForm(request.POST))
                )
        except (NotFound, PermissionDenied):
            raise
        except DomainError as refused:
            changed = row_id(request.POST.get("contribution"))
            if changed is None or "hours" not in request.POST:
                messages.error(request, refused.message)
                return redirect(_queue_page(request, organisation_id))
            # A change of hours or a rejection refused: the row stays open, with what was
            # typed and why, rather than a message above a queue that forgot it.
            problems = refused.detail if isinstance(refused.detail, list) else []
            refused_change = {
                "id": changed,
                "hours": request.POST.get("hours", "")[:20],
                "reason": request.POST.get("reason", "")[:500],
                "message": refused.message,
                "too_long": any(p.get("field") == "minutes" for p in problems),
            }
        else:
            return redirect(_queue_page(request, organisation_id))
    page = verification.verification_page(
        actor=request.user, organisation_id=organisation_id, page=request.GET.get("page")
    )
    by_session = {}
    for contribution in page["queue"]:
        if refused_change is not None and contribution.pk == refused_change["id"]:
            contribution.refused_change = refused_change
            refused_change = None
        by_session.setdefault(contribution.session, []).append(contribution)
    for session, rows in by_session.items():
        session.ready = sum(not (c.running or c.own) for c in rows)
    if refused_change is not None:  # its row has left the queue (decided meanwhile): say why
        messages.error(request, refused_change["message"])
    context = {
        "organisation": page["organisation"],
        "by_session": by_session,
        "waiting": page["waiting"],
        "ready": sum(session.ready for session in by_session),
        "select_all": request.GET.get("select") == "all",
    }
    return render(
        request, "activities/verify.html", context | _pager(request, organisation_id, page)
    )


def _pager(request, organisation_id, page) -> dict:
    """The queue's page of sessions, its own address and its neighbours', if any."""
    sessions = page["sessions"]

    def at(has, number):
        return has() and _queue_page(request, organisation_id, number())

    return {
        "sessions": sessions,
        "here": _queue_page(request, organisation_id, sessions.number),
        "previous_link": at(sessions.has_previous, sessions.previous_page_number),
        "next_link": at(sessions.has_next, sessions.next_page_number),
    }


def _queue_page(request, organisation_id, number=None) -> str:
    """The queue's address at page `number` (by default the page asked for): where a decision
    comes back to, so approving a session on page 3 stays on page 3."""
    number = row_id(request.GET.get("page")) if number is None else number
    url = reverse("organisation-verify", args=[organisation_id])
    return f"{url}?page={number}" if number and number > 1 else url
