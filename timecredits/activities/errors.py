"""Why a check-in or a decision on a contribution was refused, in words a volunteer understands."""

from django.utils.translation import gettext_lazy as _

from timecredits.errors import Conflict, Invalid


class TokenInvalid(Invalid):
    code = "token_invalid"
    message = _("This code is not one of ours. Scan the code at your session again.")


class TokenExpired(Invalid):
    code = "token_expired"
    message = _("This code has changed since it was scanned. Scan the code on the screen again.")


class SessionNotOpen(Invalid):
    code = "session_not_open"
    message = _("Check-in for this session has not opened yet.")
    when_today = _("Check-in for this session opens at %(time)s.")
    when_another_day = _("Check-in for this session opens on %(day)s at %(time)s.")


class SessionCancelled(Conflict):
    code = "session_cancelled"
    message = _("This session was cancelled, so no time can be recorded at it.")


class SessionOver(Invalid):
    code = "session_over"
    message = _(
        "This session has finished, so check-in is closed. Ask the coordinator to add your time."
    )


class WrongSession(Invalid):
    code = "wrong_session"
    message = _("This code belongs to a different session.")


class WrongProgramme(Invalid):
    code = "wrong_programme"
    message = _("This session is part of a programme you have not joined.")


class AlreadyCheckedInElsewhere(Conflict):
    code = "checked_in_elsewhere"
    message = _("You are still checked in at another session. Check out there first.")


class Overlapping(Conflict):
    code = "overlapping_contribution"
    message = _("You already have time recorded that overlaps this.")


class NotCheckedIn(Conflict):
    code = "not_checked_in"
    message = _("You are not checked in at the moment.")


class NotDecidable(Conflict):
    code = "not_pending"
    message = _("Only contributions waiting for verification can be decided.")


class NotGivenYet(Conflict):
    code = "not_given_yet"
    message = _("This time has not been given yet. Approve it once it ends.")
    when_today = _("This time runs until %(time)s. Approve it once it ends.")
    when_another_day = _("This time runs until %(day)s at %(time)s. Approve it then.")


class MemberClosed(Conflict):
    code = "member_closed"
    message = _("This member has closed their account, so their time can no longer earn credits.")


class GroupBudgetExhausted(Conflict):
    code = "group_budget_exhausted"
    message = _(
        "Your group has no credits left to give for this. Ask your programme to allocate more, "
        "then approve again."
    )


class ScanTooOld(Invalid):
    code = "scan_too_old"
    message = _(
        "This check-in was scanned more than a day ago, so it can no longer be sent. Ask the "
        "coordinator to add your time."
    )


class ScanInFuture(Invalid):
    code = "scanned_in_future"
    message = _("The time this code was scanned is in the future. Check the phone's clock.")


class CheckinKeyReused(Conflict):
    code = "idempotency_conflict"
    message = _("This Idempotency-Key was already used for a check-in at another session.")


class SessionStarted(Conflict):
    code = "session_started"
    message = _("This session has started, so it can no longer be cancelled or changed.")


class SessionHasTime(Conflict):
    code = "session_has_time"
    message = _("Time is recorded at this session already, so it cannot be cancelled.")


class OwnTime(Conflict):
    code = "own_time"
    message = _(
        "You cannot approve your own time: another coordinator or an admin of the organisation "
        "must."
    )
