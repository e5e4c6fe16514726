"""Sign in with a username, an email address or a phone number, whichever a person remembers."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

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
        if user is None:
            # Spend the same time as a real check so a wrong identifier cannot be told apart.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
