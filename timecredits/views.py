"""Site-wide pages: the home page."""

from django.shortcuts import render

from timecredits.home.use_cases import home_page


def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_anonymous.html")
    home = home_page(actor=request.user)
    # The tab bar shows the same roles: the context processor takes them from here.
    request.navigation = home.navigation
    return render(request, "home.html", {"home": home, "member": home.member, **home.member_part})
