from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from api.v1 import api
from timecredits import views
from timecredits.members.sign_in import AdminSignInForm, SignInView
from timecredits.ops import health

admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("sign-in/", SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("timecredits.members.urls")),
    path("", include("timecredits.activities.urls")),
    path("", include("timecredits.notifications.urls")),
    path("", include("partners.urls")),
    path("", include("timecredits.programmes.urls")),
    path("", include("timecredits.credits.urls")),
    path("", include("timecredits.reports.urls")),
    path("", include("timecredits.surveys.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/", views.api_not_found),
]
