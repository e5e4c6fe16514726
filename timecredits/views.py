"""Site-wide pages: the home page, and the JSON 404 for paths under /api/."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Organisation
from timecredits.members.selectors import member_for_user, user_roles
from timecredits.surveys.selectors import surveys_due


def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_anonymous.html")
    member = member_for_user(user=request.user)
    context = {
        "member": member,
        "survey_due": bool(member and surveys_due(member, timezone.now())),
        "roles": user_roles(user=request.user),
        "venue_ids": set(
            Organisation.objects.filter(
                staff__user=request.user,
                kind__in=[Organisation.Kind.VENUE, Organisation.Kind.BOTH],
            ).values_list("pk", flat=True)
        ),
    }
    return render(request, "home.html", context)


def api_not_found(request, rest=""):
    """Any path under /api/ that matches no endpoint still answers in the one error shape."""
    return JsonResponse(
        {
            "error": {
                "code": "not_found",
                "message": _("There is no such API endpoint."),
                "detail": None,
            }
        },
        status=404,
    )
