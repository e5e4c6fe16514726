# ruff: noqa: E501 - the permission table is wider than a line, on purpose
"""Every web page against every role, in its own scope and in someone else's.

The HTML pages' counterpart of tests/api/test_permission_matrix.py, with the same world (built
once per module) and the same check that a refused request wrote nothing. The table is written
out by hand, so a change that opens or closes a door shows up here as a failing cell, and every
URL pattern of the project outside /admin/ and /api/ has at least one row
(test_every_page_is_in_the_table), so a new page joins the table before it can ship.

Each cell is what a role gets: 200, 302 (a redirect where the page sends an allowed role on),
"login" (a redirect to sign-in, with the page to come back to), or a refusal: 400, 403, 404, 405
or 409, shown on the project's error page. A refusal of a POST must have written nothing.

The columns are the API table's: mem, a member of the programme who owns the world's member
objects (an open check-in, a held redemption); omem, another member of it; coord, venue and
admin, the organisation's coordinator, venue staff and org admin; padm and comm, the programme's
admin and commissioner; a leading "o" is the same role in another organisation or programme;
staff, platform staff; anon, nobody signed in.
"""

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.api.test_permission_matrix import PNG, _build_world, _changes
from tests.factories import PASSWORD, MemberFactory
from timecredits.reports.use_cases.snapshots import snapshot_request
from timecredits.spending.services.offers import offer_create
from timecredits.spending.tokens import redemption_token

# Pages anyone may open, signed in or not. The check-in landing (/c/) and an invitation's link
# check their token first and then show a signed-out phone what it is and how to sign in or
# join; every other page sends them to sign in straight away.
PUBLIC = {
    "",
    "healthz",
    "sign-in/",
    "sign-out/",
    "join/",
    "password/reset/",
    "password/reset/sent/",
    "password/reset/<uidb64>/<token>/",
    "password/reset/done/",
    "c/<str:token>",
    "invitations/<str:token>/",
    "offers/<int:offer_id>/photo",
    # The installable app's files and its offline page.
    "manifest.webmanifest",
    "sw.js",
    "favicon.ico",
    "apple-touch-icon.png",
    "offline/",
    # The header's language switch: a signed-out phone chooses Welsh or English too.
    "language/",
}

# name: (method, path, form data). Braces name the world's objects (see `world`). "upload" is a
# multipart POST whose values are files. One line a request, as in the table below.
WEEK = [str(day) for day in range(7)]

# fmt: off
REQUESTS = {
    # Public pages and signing in and out.
    "home": ("get", "/", None),
    "healthz": ("get", "/healthz", None),
    "sign_in": ("get", "/sign-in/", None),
    "sign_out": ("post", "/sign-out/", {}),
    "join": ("get", "/join/", None),
    "password_reset": ("get", "/password/reset/", None),
    "password_reset_sent": ("get", "/password/reset/sent/", None),
    "password_reset_link": ("get", "/password/reset/MQ/not-a-token/", None),
    "password_reset_done": ("get", "/password/reset/done/", None),
    # A member's own pages.
    "profile": ("get", "/me/", None),
    "details": ("get", "/me/details/", None),
    "details_set": ("post", "/me/details/", {"first_name": "Ada", "email": "ada.pages@example.org"}),
    "choices": ("get", "/me/choices/", None),
    "choices_set": ("post", "/me/choices/", {"surveys": "on"}),
    "about_you": ("get", "/me/about-you/", None),
    "about_you_set": ("post", "/me/about-you/", {"age_band": "prefer_not_to_say", "gender": "prefer_not_to_say", "ethnicity": "prefer_not_to_say", "disability": "prefer_not_to_say", "employment_status": "prefer_not_to_say"}),
    "data": ("get", "/me/data.json", None),
    "card": ("get", "/me/card/", None),
    "card_replace": ("post", "/me/card/replace/", {}),
    "history": ("get", "/me/credits/", None),
    "close": ("get", "/me/close/", None),
    "close_post": ("post", "/me/close/", {"confirm": "on"}),
    "notifications": ("get", "/me/notifications/", None),
    "notifications_read": ("post", "/me/notifications/", {}),
    "email_prefs_set": ("post", "/me/notifications/emails/", {}),
    "survey": ("get", "/me/survey/", None),
    "survey_answer": ("post", "/me/survey/", {}),
    "give": ("get", "/me/give/", None),
    "give_post": ("post", "/me/give/", {"member_code": "{attendee_code}", "amount": "1", "token": "pages-gift"}),
    "donate": ("get", "/me/donate/", None),
    "donate_post": ("post", "/me/donate/", {"amount": "1", "token": "pages-donation"}),
    # A person's devices (bearer tokens), signing out everywhere, their password.
    "devices": ("get", "/me/devices/", None),
    "device_sign_out": ("post", "/me/devices/{device}/sign-out/", {}),
    "sign_out_everywhere": ("post", "/me/sign-out-everywhere/", {}),
    "password": ("get", "/me/password/", None),
    "password_set": ("post", "/me/password/", {"old_password": PASSWORD, "new_password1": "a new pass phrase", "new_password2": "a new pass phrase"}),
    # Checking in, and a member's pass.
    "scan": ("get", "/c/{poster_token}", None),
    "scan_confirm": ("post", "/c/{poster_token}", {}),
    "scan_forged": ("get", "/c/not-a-token", None),
    "checkin_status": ("get", "/checkin/", None),
    "checkout": ("post", "/checkout/", {}),
    "my_contributions": ("get", "/me/contributions/", None),
    "claim": ("get", "/me/contributions/claim/?session={past_session}", None),
    "claim_post": ("post", "/me/contributions/claim/", {"session": "{past_session}", "start": "{past_start_time}", "end": "{past_end_time}"}),
    "member_session": ("get", "/me/sessions/{session}/", None),
    "member_session_ics": ("get", "/me/sessions/{session}/calendar.ics", None),
    "my_pass": ("get", "/me/pass/", None),
    "my_pass_code": ("get", "/me/pass/code/", None),
    "scan_page": ("get", "/scan/", None),
    "pass_scanned": ("get", "/p/{attendee_pass}", None),
    "pass_checkin": ("post", "/p/{attendee_pass}", {"session": "{session}"}),
    # The installable app: manifest, service worker, icons, offline page.
    "app_manifest": ("get", "/manifest.webmanifest", None),
    "app_worker": ("get", "/sw.js", None),
    "favicon": ("get", "/favicon.ico", None),
    "apple_touch_icon": ("get", "/apple-touch-icon.png", None),
    "offline": ("get", "/offline/", None),
    # The header's language switch.
    "language": ("post", "/language/", {"language": "en-gb", "next": "/"}),
    # A coordinator's activities, sessions and verification.
    "sessions": ("get", "/organisations/{org}/sessions/", None),
    "activity_add": ("post", "/organisations/{org}/sessions/", {"form": "activity", "activity-title": "Litter pick", "activity-type": "formal_volunteering"}),
    "verify": ("get", "/organisations/{org}/verify/", None),
    "approve": ("post", "/organisations/{org}/verify/", {"contribution": "{pending_contribution}", "decision": "approve"}),
    "approve_all": ("post", "/organisations/{org}/verify/", {"session": "{past_session}"}),
    "session": ("get", "/sessions/{session}/", None),
    "attendance_add": ("post", "/sessions/{session}/attendance/", {"attendance-member_codes": "{attendee_code}"}),
    "unapprove": ("post", "/sessions/{old_session}/unapprove/", {"contribution": "{approved_contribution}", "reason": "Approved the wrong person"}),
    "session_cancel": ("post", "/sessions/{future_session}/cancel/", None),
    "session_reinstate": ("post", "/sessions/{future_session}/reinstate/", None),
    "poster": ("get", "/sessions/{session}/poster/", None),
    "poster_png": ("get", "/sessions/{session}/poster.png", None),
    "kiosk": ("get", "/sessions/{session}/kiosk/", None),
    "kiosk_png": ("get", "/sessions/{session}/kiosk.png", None),
    "kiosk_code": ("get", "/sessions/{session}/kiosk/code/", None),
    # Organisations.
    "org": ("get", "/organisations/{org}/", None),
    "org_edit": ("post", "/organisations/{org}/", {"form": "details", "name": "Renamed"}),
    "org_settings": ("get", "/organisations/{org}/settings/", None),
    "org_settings_set": ("post", "/organisations/{org}/settings/", {"name": "Renamed", "auto_approve_checkins": "on"}),
    "org_invite": ("post", "/organisations/{org}/", {"form": "invite", "email": "new@example.org", "role": "coordinator"}),
    "org_invitation_withdraw": ("post", "/organisations/{org}/invitations/{invitation_id}/withdraw/", {}),
    "org_staff_remove": ("post", "/organisations/{org}/staff/{coord_role}/remove/", {}),
    "org_register": ("post", "/organisations/{org}/", {"form": "register", "first_name": "Nell", "terms_agreed": "on"}),
    "member_card": ("get", "/organisations/{org}/members/{registered}/card/", None),
    "member_card_replace": ("post", "/organisations/{org}/members/{registered}/card/replace/", {}),
    # A member the organisation did not register has no card there.
    "member_card_unregistered": ("get", "/organisations/{org}/members/{member}/card/", None),
    "invitation": ("get", "/invitations/{invitation}/", None),
    "invitation_accept": ("post", "/invitations/{invitation}/accept", {}),
    # Offers and redemptions.
    "offers": ("get", "/offers/", None),
    "offer": ("get", "/offers/{offer}/", None),
    "redeem": ("post", "/offers/{offer}/", {"key": "pages-redeem"}),
    "offer_photo": ("get", "/offers/{offer}/photo", None),
    "draft_photo": ("get", "/offers/{draft_offer}/photo", None),
    "my_redemptions": ("get", "/me/redemptions/", None),
    "my_redemption": ("get", "/me/redemptions/{redemption}/", None),
    "redemption_cancel": ("post", "/me/redemptions/{redemption}/cancel", {}),
    "redemption_scanned": ("get", "/r/{redemption_token}", None),
    "till": ("get", "/organisations/{org}/redeem/", None),
    "till_complete": ("post", "/organisations/{org}/redeem/", {"form": "code", "code": "{redemption_code}", "key": "pages-complete"}),
    "venue_offers": ("get", "/organisations/{org}/offers/", None),
    "offer_add": ("post", "/organisations/{org}/offers/", {"title": "Swim", "credits": "1", "category": "leisure", "programmes": "{programme}", "days": WEEK, "capacity_period": "", "member_limit_period": "", "active": "on"}),
    "venue_offer": ("get", "/organisations/{org}/offers/{offer}/", None),
    "offer_edit": ("post", "/organisations/{org}/offers/{offer}/", {"title": "Cinema, and popcorn", "credits": "1", "category": "leisure", "programmes": "{programme}", "days": WEEK, "capacity_period": "", "member_limit_period": "", "active": "on"}),
    # A venue's statement.
    "statement": ("get", "/organisations/{org}/statement/", None),
    "statement_csv": ("get", "/organisations/{org}/statement.csv", None),
    # Programme administration.
    "programme_admin": ("get", "/programmes/{programme}/admin/", None),
    "programme_policy": ("post", "/programmes/{programme}/admin/", {"minutes_per_credit": "1", "rounding_minutes": "30", "report_threshold": "5"}),
    "programme_approve": ("post", "/programmes/{programme}/organisations/{pending}/decide", {"decision": "approve"}),
    "population": ("get", "/programmes/{programme}/admin/population/", None),
    "population_upload": ("upload", "/programmes/{programme}/admin/population/", {"file": "area,population\nRV1,1000\n"}),
    "allocate": ("post", "/programmes/{programme}/admin/allocations/", {"organisation": "{org}", "credits": "5", "reason": "Budget", "token": "pages-allocation"}),
    # Another programme's admin, through their own programme, at this programme's objects.
    "programme_decide_elsewhere": ("post", "/programmes/{other_programme}/organisations/{org}/decide", {"decision": "approve"}),
    "expiry_reverse_elsewhere": ("post", "/programmes/{other_programme}/admin/expiries/{expiry}/reverse", {}),
    "proxy_remove_elsewhere": ("post", "/programmes/{other_programme}/admin/reports/proxy-values/", {"action": "remove", "proxy": "{proxy}"}),
    "expiries": ("get", "/programmes/{programme}/admin/expiries/", None),
    "expiry_reverse": ("post", "/programmes/{programme}/admin/expiries/{expiry}/reverse", {"reason": "Warned too late"}),
    "surveys": ("get", "/programmes/{programme}/admin/surveys/", None),
    "outcome_add": ("post", "/programmes/{programme}/admin/surveys/", {"action": "outcome", "name": "Less lonely"}),
    # Reports.
    "org_reports": ("get", "/organisations/{org}/reports/", None),
    # An organisation's figures for a programme it is not in.
    "org_reports_elsewhere": ("get", "/organisations/{org}/reports/?programme={other_programme}", None),
    "programme_reports": ("get", "/programmes/{programme}/reports/", None),
    "programme_reports_csv": ("get", "/programmes/{programme}/reports/?period=month&format=csv", None),
    "outcomes": ("get", "/programmes/{programme}/reports/outcomes/", None),
    "outcomes_print": ("get", "/programmes/{programme}/reports/outcomes/print", None),
    "valuation": ("get", "/programmes/{programme}/reports/valuation/", None),
    "report_print": ("get", "/programmes/{programme}/reports/print", None),
    "proxies": ("get", "/programmes/{programme}/admin/reports/proxy-values/", None),
    "proxy_add": ("post", "/programmes/{programme}/admin/reports/proxy-values/", {"name": "An hour (demo)", "basis": "hour", "value": "1.00", "source": "Invented."}),
    "proxy_remove": ("post", "/programmes/{programme}/admin/reports/proxy-values/", {"action": "remove", "proxy": "{proxy}"}),
    "snapshots": ("get", "/programmes/{programme}/reports/snapshots/", None),
    "snapshot_ask": ("post", "/programmes/{programme}/reports/snapshots/", {"month": "2026-01"}),
    "snapshot": ("get", "/programmes/{programme}/reports/snapshots/{snapshot}/", None),
    # Another programme's snapshot under this programme's address is not this programme's.
    "snapshot_elsewhere": ("get", "/programmes/{programme}/reports/snapshots/{other_snapshot}/", None),
}
# fmt: on

TABLE = """
                      mem   omem  coord ocoord venue ovenue admin oadmin padm  opadm comm  ocomm staff anon
home                  200   200   200   200    200   200    200   200    200   200   200   200   200   200
healthz               200   200   200   200    200   200    200   200    200   200   200   200   200   200
sign_in               302   302   302   302    302   302    302   302    302   302   302   302   302   200
sign_out              302   302   302   302    302   302    302   302    302   302   302   302   302   302
join                  200   200   200   200    200   200    200   200    200   200   200   200   200   200
password_reset        200   200   200   200    200   200    200   200    200   200   200   200   200   200
password_reset_sent   200   200   200   200    200   200    200   200    200   200   200   200   200   200
password_reset_link   200   200   200   200    200   200    200   200    200   200   200   200   200   200
password_reset_done   200   200   200   200    200   200    200   200    200   200   200   200   200   200
profile               200   200   404   404    404   404    404   404    404   404   404   404   404   login
details               200   200   404   404    404   404    404   404    404   404   404   404   404   login
details_set           302   302   404   404    404   404    404   404    404   404   404   404   404   login
choices               200   200   404   404    404   404    404   404    404   404   404   404   404   login
choices_set           302   302   404   404    404   404    404   404    404   404   404   404   404   login
about_you             200   200   404   404    404   404    404   404    404   404   404   404   404   login
about_you_set         302   302   404   404    404   404    404   404    404   404   404   404   404   login
data                  200   200   404   404    404   404    404   404    404   404   404   404   404   login
card                  200   200   404   404    404   404    404   404    404   404   404   404   404   login
card_replace          302   302   404   404    404   404    404   404    404   404   404   404   404   login
history               200   200   404   404    404   404    404   404    404   404   404   404   404   login
close                 200   200   404   404    404   404    404   404    404   404   404   404   404   login
close_post            200   200   404   404    404   404    404   404    404   404   404   404   404   login
notifications         200   200   404   404    404   404    404   404    404   404   404   404   404   login
notifications_read    302   302   404   404    404   404    404   404    404   404   404   404   404   login
email_prefs_set       302   302   404   404    404   404    404   404    404   404   404   404   404   login
survey                200   200   403   403    403   403    403   403    403   403   403   403   404   login
survey_answer         200   200   403   403    403   403    403   403    403   403   403   403   404   login
give                  200   200   403   403    403   403    403   403    403   403   403   403   404   login
give_post             302   302   403   403    403   403    403   403    403   403   403   403   404   login
donate                200   200   403   403    403   403    403   403    403   403   403   403   404   login
donate_post           302   302   403   403    403   403    403   403    403   403   403   403   404   login
devices               200   200   200   200    200   200    200   200    200   200   200   200   200   login
device_sign_out       302   404   404   404    404   404    404   404    404   404   404   404   404   login
sign_out_everywhere   302   302   302   302    302   302    302   302    302   302   302   302   302   login
password              200   200   200   200    200   200    200   200    200   200   200   200   200   login
password_set          302   302   302   302    302   302    302   302    302   302   302   302   302   login
scan                  302   200   404   404    404   404    404   404    404   404   404   404   404   200
scan_confirm          302   302   404   404    404   404    404   404    404   404   404   404   404   login
scan_forged           400   400   400   400    400   400    400   400    400   400   400   400   400   400
checkin_status        200   200   404   404    404   404    404   404    404   404   404   404   404   login
checkout              302   409   404   404    404   404    404   404    404   404   404   404   404   login
my_contributions      200   200   404   404    404   404    404   404    404   404   404   404   404   login
claim                 200   200   404   404    404   404    404   404    404   404   404   404   404   login
claim_post            302   302   404   404    404   404    404   404    404   404   404   404   404   login
member_session        200   200   404   404    404   404    404   404    404   404   404   404   404   login
member_session_ics    200   200   404   404    404   404    404   404    404   404   404   404   404   login
my_pass               200   200   404   404    404   404    404   404    404   404   404   404   404   login
my_pass_code          200   200   404   404    404   404    404   404    404   404   404   404   404   login
app_manifest          200   200   200   200    200   200    200   200    200   200   200   200   200   200
app_worker            200   200   200   200    200   200    200   200    200   200   200   200   200   200
favicon               200   200   200   200    200   200    200   200    200   200   200   200   200   200
apple_touch_icon      200   200   200   200    200   200    200   200    200   200   200   200   200   200
offline               200   200   200   200    200   200    200   200    200   200   200   200   200   200
language              302   302   302   302    302   302    302   302    302   302   302   302   302   302
scan_page             200   200   404   404    404   404    404   404    404   404   404   404   404   login
pass_scanned          302   302   200   200    302   302    200   302    200   200   200   200   200   login
pass_checkin          400   400   302   400    400   400    302   400    400   400   400   400   302   login
sessions              403   403   200   403    403   403    200   403    403   403   403   403   200   login
activity_add          403   403   302   403    403   403    302   403    403   403   403   403   302   login
verify                403   403   200   403    403   403    200   403    403   403   403   403   200   login
approve               403   403   302   403    403   403    302   403    403   403   403   403   302   login
approve_all           403   403   302   403    403   403    302   403    403   403   403   403   302   login
session               403   403   200   403    403   403    200   403    403   403   403   403   200   login
attendance_add        403   403   302   403    403   403    302   403    403   403   403   403   302   login
unapprove             403   403   302   403    403   403    302   403    403   403   403   403   302   login
session_cancel        403   403   302   403    403   403    302   403    403   403   403   403   302   login
session_reinstate     403   403   302   403    403   403    302   403    403   403   403   403   302   login
poster                403   403   200   403    403   403    200   403    403   403   403   403   200   login
poster_png            403   403   200   403    403   403    200   403    403   403   403   403   200   login
kiosk                 403   403   200   403    403   403    200   403    403   403   403   403   200   login
kiosk_png             403   403   200   403    403   403    200   403    403   403   403   403   200   login
kiosk_code            403   403   200   403    403   403    200   403    403   403   403   403   200   login
org                   403   403   200   403    200   403    200   403    403   403   403   403   200   login
org_edit              403   403   403   403    403   403    302   403    403   403   403   403   302   login
org_settings          403   403   403   403    403   403    200   403    403   403   403   403   200   login
org_settings_set      403   403   403   403    403   403    302   403    403   403   403   403   302   login
org_invite            403   403   403   403    403   403    302   403    403   403   403   403   302   login
org_invitation_withdraw 403 403   403   403    403   403    302   403    403   403   403   403   302   login
org_staff_remove      403   403   403   403    403   403    302   403    403   403   403   403   302   login
org_register          403   403   302   403    403   403    302   403    403   403   403   403   302   login
member_card           403   403   200   403    403   403    200   403    403   403   403   403   200   login
member_card_replace   403   403   302   403    403   403    302   403    403   403   403   403   302   login
member_card_unregistered 403 403 404  403    403   403    404   403    403   403   403   403   404   login
invitation            200   200   200   200    200   200    200   200    200   200   200   200   200   200
invitation_accept     302   302   302   302    302   302    302   302    302   302   302   302   302   login
offers                200   200   404   404    404   404    404   404    404   404   404   404   404   login
offer                 200   200   404   404    404   404    404   404    404   404   404   404   404   login
redeem                302   302   404   404    404   404    404   404    404   404   404   404   404   login
offer_photo           200   200   200   200    200   200    200   200    200   200   200   200   200   200
draft_photo           404   404   404   404    200   404    200   404    404   404   404   404   200   404
my_redemptions        200   200   404   404    404   404    404   404    404   404   404   404   404   login
my_redemption         200   404   404   404    404   404    404   404    404   404   404   404   404   login
redemption_cancel     302   404   404   404    404   404    404   404    404   404   404   404   404   login
redemption_scanned    200   200   200   200    302   409    302   409    200   200   200   200   200   login
till                  403   403   403   403    200   403    200   403    403   403   403   403   200   login
till_complete         403   403   403   403    302   403    302   403    403   403   403   403   302   login
venue_offers          403   403   403   403    200   403    200   403    403   403   403   403   200   login
offer_add             403   403   403   403    302   403    302   403    403   403   403   403   302   login
venue_offer           403   403   403   403    200   403    200   403    403   403   403   403   200   login
offer_edit            403   403   403   403    302   403    302   403    403   403   403   403   302   login
statement             403   403   403   403    200   403    200   403    403   403   403   403   200   login
statement_csv         403   403   403   403    200   403    200   403    403   403   403   403   200   login
programme_admin       403   403   403   403    403   403    403   403    200   403   403   403   200   login
programme_policy      403   403   403   403    403   403    403   403    302   403   403   403   302   login
programme_approve     403   403   403   403    403   403    403   403    302   403   403   403   302   login
population            403   403   403   403    403   403    403   403    200   403   403   403   200   login
population_upload     403   403   403   403    403   403    403   403    302   403   403   403   302   login
allocate              403   403   403   403    403   403    403   403    302   403   403   403   302   login
programme_decide_elsewhere 403 403 403 403  403   403    403   403    403   404   403   403   404   login
expiry_reverse_elsewhere 403 403 403  403    403   403    403   403    403   404   403   403   404   login
proxy_remove_elsewhere 403  403   403   403    403   403    403   403    403   302   403   403   302   login
expiries              403   403   403   403    403   403    403   403    200   403   403   403   200   login
expiry_reverse        403   403   403   403    403   403    403   403    302   403   403   403   302   login
surveys               403   403   403   403    403   403    403   403    200   403   403   403   200   login
outcome_add           403   403   403   403    403   403    403   403    302   403   403   403   302   login
org_reports           403   403   200   403    403   403    200   403    403   403   403   403   200   login
org_reports_elsewhere 403   403   400   403    403   403    400   403    403   403   403   403   400   login
programme_reports     403   403   403   403    403   403    403   403    200   403   200   403   200   login
programme_reports_csv 403   403   403   403    403   403    403   403    200   403   200   403   200   login
outcomes              403   403   403   403    403   403    403   403    200   403   200   403   200   login
outcomes_print        403   403   403   403    403   403    403   403    200   403   200   403   200   login
valuation             403   403   403   403    403   403    403   403    200   403   200   403   200   login
report_print          403   403   403   403    403   403    403   403    200   403   200   403   200   login
proxies               403   403   403   403    403   403    403   403    200   403   403   403   200   login
proxy_add             403   403   403   403    403   403    403   403    302   403   403   403   302   login
proxy_remove          403   403   403   403    403   403    403   403    302   403   403   403   302   login
snapshots             403   403   403   403    403   403    403   403    200   403   200   403   200   login
snapshot_ask          403   403   403   403    403   403    403   403    302   403   403   403   302   login
snapshot              403   403   403   403    403   403    403   403    200   403   200   403   200   login
snapshot_elsewhere    403   403   403   403    403   403    403   403    404   403   404   403   404   login
"""

SUCCESS = {200, 302}


def _table():
    header, *rows = [line.split() for line in TABLE.strip().splitlines()]
    cell = lambda value: value if value == "login" else int(value)  # noqa: E731
    return header, {row[0]: dict(zip(header, map(cell, row[1:]), strict=True)) for row in rows}


ROLES, EXPECTED = _table()


def _cells():
    for page, statuses in EXPECTED.items():
        for role, expected in statuses.items():
            yield pytest.param(page, role, expected, id=f"{page}-{role}")


def _patterns(resolver=None, prefix=""):
    """Every URL pattern of the project, as its route (`sessions/<int:session_id>/`)."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _is_page(route: str) -> bool:
    return not route.startswith(("admin/", "api/", "^api/", "static/", "media/"))


def _route(path: str) -> str:
    """The URL pattern a row's path resolves to, with each of the world's objects as 1."""
    return resolve(re.sub(r"\{\w+\}", "1", path.split("?")[0])).route


def test_every_page_is_in_the_table():
    """A new page fails here until it has a row: the table is the whole web site."""
    pages = {route for route in _patterns() if _is_page(route)}
    tabled = {_route(path) for _, path, _ in REQUESTS.values()}

    assert set(EXPECTED) == set(REQUESTS)
    assert pages - tabled == set(), "pages with no row in the permission table"
    assert tabled - pages == set(), "rows for pages the project does not have"
    assert pages >= PUBLIC, "a public page the project no longer has"
    private = {page for page, (_, path, _) in REQUESTS.items() if _route(path) not in PUBLIC}
    assert {page for page in private if EXPECTED[page]["anon"] != "login"} == set(), (
        "a page outside PUBLIC that does not send a signed-out visitor to sign in"
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end; each test
    runs in a savepoint inside it, so writes never leak. The API table's world, and a little more
    the pages need: a member a coordinator registered, offer photos, another programme's
    snapshot."""
    with django_db_blocker.unblock(), transaction.atomic():
        users, ids = _build_world()
        yield users, {**ids, **_page_objects(users, ids)}
        transaction.set_rollback(True)


def _page_objects(users, ids):
    from django.utils import timezone

    from partners.models import Organisation
    from timecredits.activities.models import Contribution, Session
    from timecredits.members.models import Member
    from timecredits.programmes.models import Programme
    from timecredits.spending.models import Offer, Redemption

    organisation = Organisation.objects.get(pk=ids["org"])
    programme = Programme.objects.get(pk=ids["programme"])
    other_programme = users["opadm"].programme_roles.get().programme
    registered = MemberFactory(programme=programme, registered_by_organisation=organisation)
    offer = Offer.objects.get(pk=ids["offer"])
    offer.photo.save("cinema.png", ContentFile(PNG))
    draft = offer_create(
        venue=organisation,
        programmes=[programme],
        title="Sauna (not yet published)",
        cost_minutes=60,
        category="leisure",
        active=False,
    )
    draft.photo.save("sauna.png", ContentFile(PNG))
    redemption = Redemption.objects.get(member__user=users["mem"])
    other_snapshot, _ = snapshot_request(
        actor=users["opadm"], programme_id=other_programme.pk, month="2025-12"
    )
    past = Session.objects.get(pk=ids["past_session"])

    def local_time(minutes_in):
        return timezone.localtime(past.starts_at + timedelta(minutes=minutes_in)).strftime("%H:%M")

    return {
        "past_start_time": local_time(15),
        "past_end_time": local_time(75),
        "member": Member.objects.get(user=users["mem"]).pk,
        "other_programme": other_programme.pk,
        "registered": registered.pk,
        "draft_offer": draft.pk,
        "redemption": redemption.pk,
        "redemption_token": redemption_token(redemption_id=redemption.pk, code=redemption.code),
        "other_snapshot": other_snapshot.pk,
        "old_session": Contribution.objects.get(pk=ids["approved_contribution"]).session_id,
    }


def _fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("page", "role", "expected"), list(_cells()))
def test_role_against_page(client, db, world, page, role, expected):
    users, ids = world
    if users[role] is not None:
        client.force_login(users[role])
    method, path, data = REQUESTS[page]
    url = _fill(path, ids)
    before = _changes()

    if method == "upload":
        files = {k: SimpleUploadedFile(k, v.encode()) for k, v in data.items()}
        response = client.post(url, files)
    elif method == "post":
        response = client.post(url, _fill(data, ids))
    else:
        response = client.get(url)

    if expected == "login":
        assert response.status_code == 302, response.content[:2000]
        assert response["Location"].startswith("/sign-in/?next="), response["Location"]
    else:
        assert response.status_code == expected, response.content[:2000]
    if expected == 302:
        assert not response["Location"].startswith("/sign-in/"), "an allowed role sent to sign in"
    if expected not in SUCCESS:
        if method != "get":
            assert _changes() == before, "a refused request wrote to the database"
        if expected in (403, 404) and response.get("Content-Type", "").startswith("text/html"):
            assert b"<html" in response.content.lower()


def test_a_refusal_is_the_projects_error_page(client, db, world):
    """A domain error on a page is the standard error page with its status (the middleware)."""
    users, ids = world
    client.force_login(users["ocoord"])

    response = client.get(f"/organisations/{ids['org']}/sessions/")

    assert response.status_code == 403
    assert response.templates[0].name == "error.html"
    assert "You do not have a role that allows this here." in response.content.decode()
