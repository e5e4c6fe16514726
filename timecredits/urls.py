from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from api import errors as api_errors
from api import pages as sign_in_pages
from api.v1 import api
from timecredits import views
from timecredits.members.sign_in import AdminSignInForm, PasswordResetStart, SignInView
from timecredits.ops import health

# The admin signs in through the same throttle; its form only words a lock-out plainly.
admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("sign-in/", SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/devices/", sign_in_pages.devices, name="member-devices"),
    path(
        "me/devices/<int:token_id>/sign-out/",
        sign_in_pages.device_sign_out,
        name="member-device-sign-out",
    ),
    path(
        "me/sign-out-everywhere/",
        sign_in_pages.sign_out_everywhere_now,
        name="member-sign-out-everywhere",
    ),
    path("me/password/", sign_in_pages.PasswordChange.as_view(), name="member-password"),
    path("", include("timecredits.members.urls")),
    path("", include("timecredits.activities.urls")),
    path("", include("timecredits.notifications.urls")),
    path("", include("partners.urls")),
    path("", include("timecredits.spending.urls")),
    path("", include("timecredits.programmes.urls")),
    path("", include("timecredits.credits.urls")),
    path("", include("timecredits.reports.urls")),
    path("", include("timecredits.surveys.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/v1", api_errors.no_endpoint),
]

# Forgotten passwords (Django's flow; templates in registration/) ---
urlpatterns += [
    path("password/reset/", PasswordResetStart.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

# The installable app: manifest, service worker, favicon (at the root, where browsers look).
urlpatterns += [path("", include("timecredits.pwa.urls"))]
