"""The sign-in page and the admin's sign-in form, which say plainly when guessing has locked an
account or address out (see throttle) instead of failing like a wrong password; and the page
that emails a link to set a new password, which never says whether an address has an account."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.views import LoginView, PasswordResetView
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from timecredits.errors import RateLimited
from timecredits.language import stored_language
from timecredits.site import site_url

from .throttle import LoginLockedOut, password_reset_allowed, remember_device


class _LockOutMessage:
    def clean(self):
        try:
            return super().clean()
        except LoginLockedOut as locked:
            raise forms.ValidationError(locked.message, code="locked_out") from locked


class SignInForm(_LockOutMessage, AuthenticationForm):
    # Django's says "a correct username and password", where the field asks for a username or
    # an email address.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That username or email address and password do not match an account. Check "
            "both: the password must be typed exactly, capitals and all."
        ),
    }


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


class _PasswordResetInTheirLanguage(PasswordResetForm):
    """The email is in the account's own language where it has one, else the page's. An account
    with no password yet (a member a coordinator registered with their email) may set one this
    way, where Django would send nothing: it is how such a member first signs in."""

    def get_users(self, email):
        active = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (user for user in active if user.email.casefold() == email.casefold())

    def send_mail(self, *args, **kwargs):
        context = args[2] if len(args) > 2 else kwargs["context"]
        language = stored_language(context["user"]) or translation.get_language()
        with translation.override(language):
            return super().send_mail(*args, **kwargs)


class PasswordResetStart(PasswordResetView):
    """Django's password reset, through the site's email backend, with its link on the address
    the request came to (or SITE_URL) and its sending rate limited (see throttle)."""

    form_class = _PasswordResetInTheirLanguage
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        try:
            allowed = password_reset_allowed(self.request, email=form.cleaned_data["email"])
        except RateLimited as limited:
            form.add_error(None, limited.message)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        if not allowed:  # answered as if sent: the page must not tell that the address is known
            return HttpResponseRedirect(self.get_success_url())
        self.extra_email_context = {"site_url": site_url()}
        return super().form_valid(form)
