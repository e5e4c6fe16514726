"""`member_required`, under login_required and the allowed methods, for a member's own pages:
someone signed in without a member profile (or whose account is closed) finds no such page, a
404 as for any page that is not there, where the member API answers 403 (see use_cases.py)."""

from functools import wraps

from django.http import Http404

from timecredits.errors import NotFound

from .use_cases import own_member


def member_required(view):
    @wraps(view)
    def page(request, *args, **kwargs):
        try:
            own_member(actor=request.user)
        except NotFound as missing:
            raise Http404(missing.message) from missing
        return view(request, *args, **kwargs)

    return page
