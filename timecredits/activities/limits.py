"""How long a session may last, how many a series may hold and when they may run: the rules check
them, and the API states them in its schema."""

from datetime import timedelta

MAX_REPEATS = 52
# How long after a session a member may still claim time at it; after that, a coordinator adds it.
CLAIM_WINDOW = timedelta(days=30)
# A session is one sitting of an activity: an overnight shift is the longest there is.
MAX_SESSION_LENGTH = timedelta(hours=24)
# Far wider than any real session, and narrow enough that a series (at most two years of
# fortnights) never leaves the calendar.
FIRST_YEAR, LAST_YEAR = 2000, 2099
# What a session's fixed credit rule may give each person: a day.
MAX_FIXED_MINUTES = 24 * 60
