"""Site-wide pages: the home page, and the JSON 404 for paths under /api/."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from timecredits.home.use_cases import home_page


def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_anonymous.html")
    home = home_page(actor=request.user)
    # The tab bar shows the same roles: the context processor takes them from here.
    request.navigation = home.navigation
    return render(request, "home.html", {"home": home, "member": home.member, **home.member_part})


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
