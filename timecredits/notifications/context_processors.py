"""The unread count beside the account menu, on every page a member sees."""

from .use_cases import unread_notifications


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = unread_notifications(actor=user)
    return {"unread_notifications": count} if count is not None else {}
