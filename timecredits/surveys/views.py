"""Pages: a member answers their due survey; a programme admin sets up surveys and outcomes.

Thin: each view reads the form and calls the same use cases as the API.
"""

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from timecredits.errors import Conflict, Invalid
from timecredits.forms import row_id
from timecredits.signed_in import login_required

from . import use_cases
from .forms import survey_sections


@login_required
@require_http_methods(["GET", "POST"])
def survey(request):
    due = use_cases.due_surveys(actor=request.user)
    if not due.waves:
        return render(request, "surveys/none_due.html")
    wave, questions = due.waves[0], due.questions
    answers, errors, status = {}, {}, 200
    if request.method == "POST":
        answers = {
            str(q.pk): request.POST[f"q{q.pk}"] for q in questions if f"q{q.pk}" in request.POST
        }
        try:
            use_cases.responses_save(
                actor=request.user, wave=wave.wave, answers=answers, now=timezone.now()
            )
        except (Invalid, Conflict) as refused:
            status = 422 if isinstance(refused, Invalid) else 409
            errors = {p["field"]: p["message"] for p in refused.detail or [] if "field" in p}
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Thank you. Your answers are saved."))
            return redirect("home")
    context = {
        "wave": wave,
        "sections": survey_sections(questions, answers, errors),
        "errors": errors,
    }
    return render(request, "surveys/survey.html", context, status=status)


def _follow_up_months(text: str) -> list[int]:
    try:
        return [int(m) for m in text.replace(",", " ").split()]
    except ValueError:
        raise Invalid(
            detail=[{"field": "follow_up_months", "message": _("Use whole numbers.")}]
        ) from None


def _chosen(post, field: str) -> list[int]:
    """The ids ticked in a list; one that is no id is refused."""
    ids = [row_id(value) for value in post.getlist(field)]
    if None in ids:
        raise Invalid(detail=[{"field": field, "message": _("Choose from the list.")}])
    return ids


def _registered_on(request) -> datetime.date:
    if request.POST.get("confirm") != "yes":
        raise Invalid(detail=[{"field": "confirm", "message": _("Tick to confirm.")}])
    try:
        return datetime.date.fromisoformat(request.POST.get("registered_on"))
    except (TypeError, ValueError):
        raise Invalid(detail=[{"field": "registered_on", "message": _("Give a date.")}]) from None


def _change(request, programme_id) -> None:
    """The change one of the page's forms asks for."""
    post, actor = request.POST, request.user
    action = post.get("action")
    if action == "schedule":
        use_cases.survey_schedule_update(
            actor=actor,
            programme_id=programme_id,
            follow_up_months=_follow_up_months(post.get("follow_up_months", "")),
            instrument_ids=_chosen(post, "instruments"),
        )
    elif action == "swemwbs":
        use_cases.swemwbs_registration_confirm(
            actor=actor,
            programme_id=programme_id,
            registered_on=_registered_on(request),
            now=timezone.now(),
        )
    elif action == "outcome":
        use_cases.outcome_create(
            actor=actor,
            programme_id=programme_id,
            name=post.get("name", ""),
            description=post.get("description", ""),
        )
    elif action == "indicator":
        use_cases.indicator_create(
            actor=actor,
            programme_id=programme_id,
            outcome_id=row_id(post.get("outcome")),
            name=post.get("name", ""),
            question_ids=_chosen(post, "questions"),
        )
    else:
        raise Invalid(_("Unknown action."))


@login_required
@require_http_methods(["GET", "POST"])
def programme_surveys(request, programme_id):
    page = use_cases.survey_settings_page(actor=request.user, programme_id=programme_id)
    problems, status, typed = [], 200, {}
    if request.method == "POST":
        try:
            _change(request, programme_id)
        except (Invalid, Conflict) as refused:
            status = 422 if isinstance(refused, Invalid) else 409
            said = [refused.message] + [p["message"] for p in refused.detail or []]
            problems = list(dict.fromkeys(str(m) for m in said))  # each said once
            # The refused form shows what was typed, not what is saved: that looked as if
            # nothing needed changing.
            typed = request.POST
        else:
            messages.success(request, _("Saved."))
            return redirect("programme-surveys", programme_id)
    schedule_typed = typed.get("action") == "schedule"
    context = {
        "programme": page.programme,
        "schedule": page.schedule,
        "instruments": page.instruments,
        "chosen": (
            {i for i in map(row_id, typed.getlist("instruments")) if i is not None}
            if schedule_typed
            else page.chosen
        ),
        "follow_up_text": (
            typed.get("follow_up_months", "")
            if schedule_typed
            else " ".join(str(m) for m in getattr(page.schedule, "follow_up_months", []))
        ),
        "typed": typed,
        "asked": page.asked,
        "outcomes": page.outcomes,
        "problems": problems,
    }
    return render(request, "surveys/programme_surveys.html", context, status=status)
