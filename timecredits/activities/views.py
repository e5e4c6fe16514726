"""Check-in pages: the member's scan, check-out and history, their rotating pass, and the
coordinator's sessions, poster, kiosk and pass scanner."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from partners.use_cases import redeeming_venues
from timecredits.activities.errors import AlreadyCheckedInElsewhere
from timecredits.credits.services.gifts import recipient_by_pass
from timecredits.errors import DomainError, Invalid, PermissionDenied
from timecredits.members.passes import pass_url
from timecredits.permissions import Action, has_permission, require
from timecredits.qr import qr_png, qr_svg

from .forms import ActivityForm, AttendanceForm, ClaimForm, DecisionForm, SessionForm, UnapproveForm
from .models import Contribution, Session
from .selectors import (
    claimable_sessions,
    member_contributions,
    open_checkin,
    session_contributions,
    session_for_coordinator,
    session_kiosk_url,
    session_poster_url,
    sessions_for_organisation,
    verification_queue,
)
from .services import checkins, sessions, verification
from .tokens import POSTER_GRACE, read_checkin_token, read_pass_token


def _member(request):
    member = getattr(request.user, "member", None)
    if member is None or member.closed_at is not None:
        raise Http404(_("You do not have a member profile."))
    return member


def _refused(request, error: DomainError, status: int = 400):
    return render(request, "activities/refused.html", {"error": error}, status=status)


@require_http_methods(["GET", "POST"])
def scan(request, token):
    """Where a phone's camera lands: check the token first, then sign in, then one tap."""
    try:
        ticket = read_checkin_token(token, now=timezone.now())
    except DomainError as refused:
        return _refused(request, refused)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    member = _member(request)
    session = get_object_or_404(Session.objects.select_related("activity"), pk=ticket.session_id)
    if request.method == "POST":
        try:
            _contribution, created = checkins.checkin_by_token(
                member=member,
                token=token,
                latitude=request.POST.get("latitude") or None,
                longitude=request.POST.get("longitude") or None,
            )
        except AlreadyCheckedInElsewhere as refused:
            return _refused(request, refused, status=409)
        except DomainError as refused:
            return _refused(request, refused)
        if created:
            messages.success(request, _("You are checked in. Thank you for coming!"))
        return redirect("checkin-status")
    return render(request, "activities/confirm.html", {"session": session, "token": token})


@login_required
def status(request):
    member = _member(request)
    return render(request, "activities/status.html", {"open": open_checkin(member=member)})


@login_required
@require_POST
def checkout(request):
    try:
        contribution = checkins.checkout(member=_member(request))
    except DomainError as refused:
        return _refused(request, refused, status=409)
    messages.success(
        request,
        _("You are checked out. %(minutes)s minutes will be checked by the coordinator.")
        % {"minutes": contribution.minutes},
    )
    return redirect("my-contributions")


@login_required
def my_contributions(request):
    member = _member(request)
    return render(
        request,
        "activities/my_contributions.html",
        {
            "contributions": member_contributions(member=member),
            "claimable": claimable_sessions(member=member, limit=5),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim(request):
    """A member claims time at a past session they came to but did not check in at."""
    member = _member(request)
    offered = claimable_sessions(member=member)
    chosen = request.GET.get("session", "")
    initial = {}
    if chosen.isdigit():
        session = Session.objects.select_related("activity__organisation").filter(pk=chosen).first()
        if session is not None:
            if session not in offered:
                offered.insert(0, session)
            initial = {
                "session": session.pk,
                "start": timezone.localtime(session.starts_at).time(),
                "end": timezone.localtime(session.ends_at).time(),
            }
    form = ClaimForm(request.POST or None, sessions=offered, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            checkins.claim(
                member=member,
                session=data["session"],
                start=data["starts_at"],
                end=data["ends_at"],
                reason=data["note"],
            )
        except PermissionDenied:
            raise
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
    """The member's phone shows a pass that changes every 30 seconds (the page reloads itself)."""
    member = _member(request)
    return render(
        request,
        "activities/pass.html",
        {"member": member, "qr": qr_svg(pass_url(member, rotating=True))},
    )


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
    now = timezone.now()
    sessions = [
        s
        for s in Session.objects.select_related("activity__organisation").filter(
            starts_at__lte=now + POSTER_GRACE,
            ends_at__gte=now - POSTER_GRACE,
            cancelled_at__isnull=True,
        )
        if has_permission(
            request.user, Action.ORGANISATION_ATTENDANCE, organisation=s.activity.organisation
        )
    ]
    if request.method == "POST":
        session = next((s for s in sessions if str(s.pk) == request.POST.get("session")), None)
        if session is None:
            return _refused(request, DomainError(_("Choose one of your sessions happening now.")))
        try:
            contribution, _created = checkins.checkin_by_pass(
                actor=request.user, session=session, pass_token=token
            )
        except DomainError as refused:
            return _refused(request, refused)
        messages.success(request, _("Checked in: member %s.") % contribution.member.code)
        return redirect("session-detail", session.pk)
    venues = redeeming_venues(actor=request.user)
    charge = {"pass": token}
    if len(venues) == 1 and not sessions:
        return redirect(f"{reverse('venue-redeem', args=[venues[0].pk])}?{urlencode(charge)}")
    if not sessions and not venues and getattr(request.user, "member", None) is not None:
        return _give_to_scanned(request, token)
    charges = [
        (venue, f"{reverse('venue-redeem', args=[venue.pk])}?{urlencode(charge)}")
        for venue in venues
    ]
    return render(
        request,
        "activities/pass_scanned.html",
        {"sessions": sessions, "token": token, "charges": charges},
    )


def _give_to_scanned(request, token):
    """A member scanned another member's pass: on to the gift form with their code filled in."""
    try:
        recipient = recipient_by_pass(pass_token=token)
    except DomainError as refused:
        return _refused(request, refused)
    if recipient.pk == request.user.member.pk:
        return _refused(
            request,
            DomainError(_("This is your own pass. Show it to a coordinator or venue staff.")),
        )
    return redirect(f"{reverse('credits-give')}?{urlencode({'code': recipient.code})}")


def _coordinated_session(request, session_id) -> Session:
    return session_for_coordinator(actor=request.user, session_id=session_id)


def _session_page(request, session, *, attendance=None, status=200):
    return render(
        request,
        "activities/session.html",
        {
            "session": session,
            "contributions": session_contributions(session=session),
            "attendance": attendance
            or AttendanceForm(prefix="attendance", initial={"minutes": session.length_minutes}),
            "can_verify": has_permission(
                request.user,
                Action.ORGANISATION_CONTRIBUTIONS_VERIFY,
                organisation=session.activity.organisation,
            ),
        },
        status=status,
    )


@login_required
def session_detail(request, session_id):
    return _session_page(request, _coordinated_session(request, session_id))


def _who(contribution) -> str:
    member = contribution.member
    name = member.user.get_full_name()
    return f"{name} ({member.code})" if name else member.code


def _attendance_refused(form: AttendanceForm, refused: DomainError) -> None:
    """Show why the list was refused, naming the codes it was refused for."""
    if isinstance(refused, Invalid) and isinstance(refused.detail, list):
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
    session = _coordinated_session(request, session_id)
    form = AttendanceForm(request.POST, prefix="attendance")
    if form.is_valid():
        try:
            added = checkins.attendance_add_by_codes(
                actor=request.user,
                session=session,
                member_codes=form.cleaned_data["member_codes"],
                minutes=form.cleaned_data["minutes"],
            )
        except PermissionDenied:
            raise
        except DomainError as refused:
            _attendance_refused(form, refused)
        else:
            messages.success(
                request,
                ngettext(
                    "Added %(count)d person, waiting for verification: %(who)s.",
                    "Added %(count)d people, waiting for verification: %(who)s.",
                    len(added),
                )
                % {"count": len(added), "who": ", ".join(_who(c) for c in added)},
            )
            return redirect("session-detail", session.pk)
    return _session_page(request, session, attendance=form)


@login_required
@require_POST
def session_unapprove(request, session_id):
    """Undo an approval: the earned credits are reversed and the time waits for a decision."""
    session = _coordinated_session(request, session_id)
    contribution = get_object_or_404(
        Contribution.objects.select_related("session__activity__organisation", "member__user"),
        pk=_posted_id(request, "contribution"),
        session=session,
    )
    form = UnapproveForm(request.POST)
    # An empty reason goes on to the service, which says why it is needed.
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        verification.contribution_unapprove(
            actor=request.user, contribution=contribution, reason=reason
        )
    except PermissionDenied:
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
    return redirect("session-detail", session.pk)


@login_required
def poster(request, session_id):
    session = _coordinated_session(request, session_id)
    url = session_poster_url(session)
    return render(
        request, "activities/poster.html", {"session": session, "qr": qr_svg(url), "url": url}
    )


@login_required
def poster_png(request, session_id):
    session = _coordinated_session(request, session_id)
    response = HttpResponse(qr_png(session_poster_url(session)), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="session-{session.pk}-checkin.png"'
    return response


@login_required
def kiosk(request, session_id):
    session = _coordinated_session(request, session_id)
    return render(
        request,
        "activities/kiosk.html",
        {"session": session, "qr": qr_svg(session_kiosk_url(session))},
    )


@login_required
def kiosk_png(request, session_id):
    session = _coordinated_session(request, session_id)
    response = HttpResponse(qr_png(session_kiosk_url(session)), content_type="image/png")
    response["Cache-Control"] = "no-store"
    return response


def _organisation_for(request, organisation_id, action):
    from partners.models import Organisation

    organisation = get_object_or_404(Organisation, pk=organisation_id)
    require(request.user, action, organisation=organisation)
    return organisation


@login_required
@require_http_methods(["GET", "POST"])
def organisation_sessions(request, organisation_id):
    """A coordinator's activities and sessions, with forms to add both."""
    organisation = _organisation_for(
        request, organisation_id, Action.ORGANISATION_ACTIVITIES_MANAGE
    )
    form_name = request.POST.get("form")
    activity_form = ActivityForm(
        request.POST if form_name == "activity" else None, prefix="activity"
    )
    session_form = SessionForm(
        request.POST if form_name == "session" else None,
        organisation=organisation,
        prefix="session",
    )
    bound = {"activity": activity_form, "session": session_form}.get(form_name)
    if bound is not None and bound.is_valid():
        try:
            if form_name == "activity":
                programme = organisation.programmes.filter(participation__status="approved").first()
                if programme is None:
                    raise Invalid(_("Your organisation is not approved in a programme yet."))
                sessions.activity_create(
                    actor=request.user,
                    organisation=organisation,
                    programme=programme,
                    **bound.cleaned_data,
                )
                messages.success(request, _("Activity added."))
            else:
                data = dict(bound.cleaned_data)
                created = sessions.sessions_create(
                    actor=request.user, activity=data.pop("activity"), **data
                )
                messages.success(request, _("%d sessions added.") % len(created))
        except Invalid as invalid:
            bound.add_service_errors(invalid)
        else:
            return redirect("organisation-sessions", organisation.pk)
    upcoming = sessions_for_organisation(organisation=organisation, upcoming_only=True)[:50]
    return render(
        request,
        "activities/organisation_sessions.html",
        {
            "organisation": organisation,
            "activity_form": activity_form,
            "session_form": session_form,
            "sessions": upcoming,
        },
    )


def _posted_id(request, name: str) -> int:
    value = request.POST.get(name, "")
    if not value.isdigit():
        raise Http404
    return int(value)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request, organisation_id):
    """The coordinator's queue: approve, adjust, reject one by one, or a whole session at once."""
    organisation = _organisation_for(
        request, organisation_id, Action.ORGANISATION_CONTRIBUTIONS_VERIFY
    )
    if request.method == "POST":
        try:
            if "session" in request.POST:
                session = get_object_or_404(
                    Session,
                    pk=_posted_id(request, "session"),
                    activity__organisation=organisation,
                )
                approved = verification.session_approve_all(actor=request.user, session=session)
                messages.success(request, _("%d approved.") % len(approved))
            else:
                contribution = get_object_or_404(
                    Contribution.objects.select_related("session__activity__organisation"),
                    pk=_posted_id(request, "contribution"),
                    session__activity__organisation=organisation,
                )
                form = DecisionForm(request.POST)
                if not form.is_valid():
                    raise Invalid(" ".join(m for errors in form.errors.values() for m in errors))
                data = form.cleaned_data
                if request.POST.get("decision") == "reject":
                    verification.contribution_reject(
                        actor=request.user,
                        contribution=contribution,
                        reason=data.get("reason") or "",
                    )
                    messages.success(request, _("Rejected."))
                else:
                    verification.contribution_approve(
                        actor=request.user,
                        contribution=contribution,
                        minutes=data.get("minutes"),
                        reason=data.get("reason") or "",
                    )
                    messages.success(request, _("Approved."))
        except DomainError as refused:
            messages.error(request, refused.message)
        return redirect("organisation-verify", organisation.pk)
    queue = verification_queue(organisation=organisation)
    by_session = {}
    for contribution in queue:
        by_session.setdefault(contribution.session, []).append(contribution)
    return render(
        request, "activities/verify.html", {"organisation": organisation, "by_session": by_session}
    )
