"""A person's own sign-in pages: their devices (bearer tokens) with a way to sign one out, signing
out everywhere, and changing their password (which also signs every device out, see api.tokens).

They live beside the tokens they show, in api/, because domain apps do not import api/."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import PasswordChangeView
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from timecredits.ratelimit import rate_limit
from timecredits.signed_in import login_required

from .tokens import device_revoke, sign_out_everywhere, user_devices


@login_required
def devices(request):
    return render(request, "api/devices.html", {"devices": user_devices(user=request.user)})


@login_required
@require_POST
def device_sign_out(request, token_id: int):
    device_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("That device is signed out."))
    return redirect("member-devices")


@login_required
@require_POST
def sign_out_everywhere_now(request):
    sign_out_everywhere(user=request.user)
    logout(request)
    messages.success(request, _("You are signed out everywhere, on every phone and browser."))
    return redirect("home")


class PasswordChange(PasswordChangeView):
    template_name = "api/password_change.html"
    success_url = reverse_lazy("member-devices")
    extra_context = {"title": gettext_lazy("Change your password")}

    def post(self, request, *args, **kwargs):
        # The old password is checked here without the sign-in throttle, so someone holding a
        # signed-in browser could otherwise guess at it without limit.
        rate_limit(
            f"password-change:{request.user.pk}",
            limit=settings.LOGIN_FAILURES_PER_ACCOUNT,
            period=settings.LOGIN_LOCKOUT_MINUTES * 60,
        )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password is changed. Every phone signed in as you has been signed out."),
        )
        return response
