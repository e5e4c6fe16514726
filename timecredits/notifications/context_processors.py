"""The unread count beside the account menu, on every page a member sees."""

from timecredits.members.models import Member

from .selectors import unread_count


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    member = Member.objects.filter(user=user, closed_at__isnull=True).first()
    return {"unread_notifications": unread_count(member=member)} if member else {}
