"""The language a page speaks: a signed-in person's stored choice, else the language cookie, else
the browser's Accept-Language (Django's LocaleMiddleware decides the last two, before this runs).

`UserLanguageMiddleware` sits after AuthenticationMiddleware. A stored choice beats the cookie
and Accept-Language, and is copied into the cookie, so the pages stay in that language after
signing out (and the sign-in page is in it when the person comes back)."""

from django.conf import settings
from django.utils import translation


def _offered(language: str) -> bool:
    return bool(language) and language in dict(settings.LANGUAGES)


def stored_language(user) -> str:
    """The person's own choice, or "" when there is none (or no person)."""
    language = getattr(user, "language", "") if getattr(user, "is_authenticated", False) else ""
    return language if _offered(language) else ""


def language_of(user) -> str:
    """The language to write to someone in when no request says so (emails, notifications)."""
    return stored_language(user) or settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = stored_language(request.user)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if getattr(request, "api_token", None) is not None:
            return response  # a phone's bearer token (api.auth): no cookie to mend
        # Read again: the page may have just changed it (the language switch, signing in).
        language = stored_language(getattr(request, "user", None))
        cookie = settings.LANGUAGE_COOKIE_NAME
        if language and request.COOKIES.get(cookie) != language and cookie not in response.cookies:
            response.set_cookie(
                cookie,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
