"""The sign-in page and the admin's sign-in form, which say plainly when guessing has locked an
account or address out (see throttle) instead of failing like a wrong password."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import NON_FIELD_ERRORS

from .throttle import LoginLockedOut, remember_device


class _LockOutMessage:
    def clean(self):
        try:
            return super().clean()
        except LoginLockedOut as locked:
            raise forms.ValidationError(locked.message, code="locked_out") from locked


class SignInForm(_LockOutMessage, AuthenticationForm):
    pass


class AdminSignInForm(_LockOutMessage, AdminAuthenticationForm):
    pass


class SignInView(LoginView):
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        remember_device(response, user=form.get_user())
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, code="locked_out"):
            response.status_code = 429
        return response
