"""Site-wide pages: the home page, and the page a form with a lapsed security token gets."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import csrf

from timecredits.home.use_cases import home_page


def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_anonymous.html")
    home = home_page(actor=request.user)
    # The tab bar shows the same roles: the context processor takes them from here.
    request.navigation = home.navigation
    return render(request, "home.html", {"home": home, "member": home.member, **home.member_part})


def csrf_failure(request, reason=""):
    """A form sent with a security token that no longer holds (the page was open too long, or
    from before signing in or out) or with cookies off: said in the person's own language, with
    what to do, where Django's own page is English (settings.CSRF_FAILURE_VIEW). The API checks
    its token through this view too and answers in its own shape: Django's short page is drawn
    for it, so no page's navigation is read and no message waiting for the next page is shown."""
    if request.path.startswith("/api/"):
        return csrf.csrf_failure(request, reason)
    message = _(
        "This page was open too long, or from before you signed in or out. Go back, reload the "
        "page and send it again. If it happens every time, allow cookies for this site."
    )
    return render(request, "error.html", {"error": {"message": message}}, status=403)
