"""Settings for the fault test's stack: production's, with a mail server that takes a moment to
accept each message (so a worker killed -9 is likely to be killed mid-send), and a short email
lease so that an email whose sender died is tried again within the test, not after 5 minutes."""

import datetime
import time

from django.core.mail.backends.filebased import EmailBackend as FileBackend

from timecredits.settings.production import *  # noqa: F403

NOTIFICATION_EMAIL_LEASE = datetime.timedelta(seconds=10)
EMAIL_BACKEND = "tests.e2e.fault_settings.SlowFileBackend"


class SlowFileBackend(FileBackend):
    """Django's file backend (EMAIL_URL names the folder), after an SMTP server's round trip."""

    def send_messages(self, email_messages):
        time.sleep(0.5)
        return super().send_messages(email_messages)
