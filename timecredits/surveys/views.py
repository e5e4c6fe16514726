"""Pages: a member answers their due survey; a programme admin sets up surveys and outcomes.

Thin: each view reads the form and calls the same services and selectors as the API.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from timecredits.errors import Conflict, Invalid, NotFound
from timecredits.members.selectors import member_for_user
from timecredits.permissions import Action, require
from timecredits.programmes.models import Programme

from .models import Instrument, Outcome, Question
from .selectors import programme_questions, survey_schedule, surveys_due
from .services import (
    indicator_create,
    outcome_create,
    responses_save,
    survey_schedule_update,
    swemwbs_registration_confirm,
)


def _sections(questions, answers, errors):
    """Questions grouped by instrument, each with the member's answer so far and its error."""
    sections = []
    for q in questions:
        if not sections or sections[-1]["instrument"].pk != q.instrument_id:
            sections.append({"instrument": q.instrument, "questions": []})
        if q.kind == Question.Kind.SCALE:
            labels = q.point_labels or []
            options = [
                (
                    str(v),
                    labels[i] if labels else str(v),
                    ""
                    if labels
                    else (q.min_label if v == q.min_value else "")
                    or (q.max_label if v == q.max_value else ""),
                )
                for i, v in enumerate(range(q.min_value, q.max_value + 1))
            ]
        elif q.kind == Question.Kind.YES_NO:
            options = [("yes", _("Yes"), ""), ("no", _("No"), "")]
        elif q.kind == Question.Kind.CHOICE:
            options = [(value, label, "") for value, label in q.choices]
        else:
            options = []
        sections[-1]["questions"].append(
            {
                "question": q,
                "name": f"q{q.pk}",
                "options": options,
                "answer": answers.get(str(q.pk), ""),
                "error": errors.get(str(q.pk), ""),
            }
        )
    return sections


@login_required
@require_http_methods(["GET", "POST"])
def survey(request):
    require(request.user, Action.OWN_SURVEYS)
    member = member_for_user(user=request.user)
    if member is None:
        raise NotFound(_("You do not have a member profile."))
    due = surveys_due(member, timezone.now())
    if not due:
        return render(request, "surveys/none_due.html")
    wave = due[0]
    questions = programme_questions(programme=member.programme_id)
    answers, errors, status = {}, {}, 200
    if request.method == "POST":
        answers = {
            str(q.pk): request.POST[f"q{q.pk}"] for q in questions if f"q{q.pk}" in request.POST
        }
        try:
            responses_save(actor=request.user, wave=wave.wave, answers=answers, now=timezone.now())
        except (Invalid, Conflict) as refused:
            status = 422 if isinstance(refused, Invalid) else 409
            errors = {p["field"]: p["message"] for p in refused.detail or [] if "field" in p}
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Thank you. Your answers are saved."))
            return redirect("home")
    context = {"wave": wave, "sections": _sections(questions, answers, errors), "errors": errors}
    return render(request, "surveys/survey.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def programme_surveys(request, programme_id):
    programme = get_object_or_404(Programme, pk=programme_id)
    require(request.user, Action.PROGRAMME_SURVEYS_MANAGE, programme=programme)
    problems, status = [], 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "schedule":
                months = request.POST.get("follow_up_months", "")
                try:
                    parsed = [int(m) for m in months.replace(",", " ").split()]
                except ValueError:
                    raise Invalid(
                        detail=[{"field": "follow_up_months", "message": _("Use whole numbers.")}]
                    ) from None
                survey_schedule_update(
                    actor=request.user,
                    programme=programme,
                    instrument_ids=[int(i) for i in request.POST.getlist("instruments")],
                    follow_up_months=parsed,
                )
            elif action == "swemwbs":
                if request.POST.get("confirm") != "yes":
                    raise Invalid(detail=[{"field": "confirm", "message": _("Tick to confirm.")}])
                try:
                    registered_on = datetime.date.fromisoformat(request.POST.get("registered_on"))
                except (TypeError, ValueError):
                    raise Invalid(
                        detail=[{"field": "registered_on", "message": _("Give a date.")}]
                    ) from None
                swemwbs_registration_confirm(
                    actor=request.user,
                    programme=programme,
                    registered_on=registered_on,
                    now=timezone.now(),
                )
            elif action == "outcome":
                outcome_create(
                    actor=request.user,
                    programme=programme,
                    name=request.POST.get("name", ""),
                    description=request.POST.get("description", ""),
                )
            elif action == "indicator":
                outcome = get_object_or_404(
                    Outcome, pk=request.POST.get("outcome"), programme=programme
                )
                indicator_create(
                    actor=request.user,
                    outcome=outcome,
                    name=request.POST.get("name", ""),
                    question_ids=[int(i) for i in request.POST.getlist("questions")],
                )
            else:
                raise Invalid(_("Unknown action."))
        except (Invalid, Conflict) as refused:
            status = 422 if isinstance(refused, Invalid) else 409
            problems = [refused.message] + [p["message"] for p in refused.detail or []]
        else:
            messages.success(request, _("Saved."))
            return redirect("programme-surveys", programme.pk)
    schedule = survey_schedule(programme=programme)
    chosen = set(schedule.instruments.values_list("pk", flat=True)) if schedule else set()
    instruments = Instrument.objects.filter(built_in=True) | programme.custom_instruments.all()
    context = {
        "programme": programme,
        "schedule": schedule,
        "instruments": instruments.prefetch_related("questions").order_by("id"),
        "chosen": chosen,
        "asked": programme_questions(programme=programme),
        "outcomes": programme.outcomes.prefetch_related("indicators__questions"),
        "problems": problems,
    }
    return render(request, "surveys/programme_surveys.html", context, status=status)
