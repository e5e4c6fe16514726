"""Settings for the fault test's stack: production's, with a short email lease so that an email
whose sender was killed mid-send is tried again within the test rather than after 5 minutes."""

import datetime

from timecredits.settings.production import *  # noqa: F403

NOTIFICATION_EMAIL_LEASE = datetime.timedelta(seconds=10)
