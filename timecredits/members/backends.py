"""Sign in with a username, an email address or a phone number, whichever a person remembers.

Every sign-in that comes with a request (the sign-in page, the admin, the API's token endpoint)
goes through the password-guessing throttle here, so no way in can skip it.
"""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from . import throttle
from .models import User
from .normalise import normalise_phone


class UsernameEmailOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        identifier = username.strip()
        match = Q(username=identifier) | Q(email__iexact=identifier)
        phone = normalise_phone(identifier)
        if phone:
            match |= Q(phone=phone)
        user = User.objects.filter(match).first()
        if request is not None:
            # Before the password is checked, so the right one is refused during a lock-out too.
            throttle.login_check(request, user=user, identifier=identifier)
        if user is None:
            # Spend the same time as a real check so a wrong identifier cannot be told apart.
            User().set_password(password)
        elif user.check_password(password) and self.user_can_authenticate(user):
            if request is not None:
                throttle.login_succeeded(request, user=user)
            return user
        if request is not None:
            throttle.login_failed(request, user=user, identifier=identifier)
        return None
