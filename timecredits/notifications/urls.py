from django.urls import path

from . import views

urlpatterns = [
    path("me/notifications/", views.notifications, name="notifications"),
    path("me/notifications/emails/", views.email_preferences, name="notification-emails"),
]
