"""Site-wide pages: the home page and the JSON 404 for API paths."""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.defaults import page_not_found

from timecredits.members.selectors import member_for_user, user_roles


def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_anonymous.html")
    context = {
        "member": member_for_user(user=request.user),
        "roles": user_roles(user=request.user),
    }
    return render(request, "home.html", context)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "not_found", "message": "That was not found.", "detail": None}},
            status=404,
        )
    return page_not_found(request, exception)
