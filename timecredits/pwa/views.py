"""The installable app's files at the site's root: the web app manifest, the service worker (it
must be served from / to control every page), the favicon and Apple's touch icon, and the page
shown when there is no connection."""

import json

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import shell

# Icons are the same for everyone and change only with a deploy.
ICON_CACHE = "public, max-age=86400"


@require_safe
def manifest(request):
    data = shell.manifest(
        language=get_language(),
        start_url=reverse("home"),
        shortcuts=[
            (_("Show my pass"), reverse("member-pass")),
            (_("Member card"), reverse("member-card")),
        ],
    )
    return JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


@require_safe
def service_worker(request):
    config = shell.service_worker_config(
        offline_url=reverse("offline"), manifest_url=reverse("manifest")
    )
    source = shell.SERVICE_WORKER.read_text()
    response = HttpResponse(
        f"const CONFIG = {json.dumps(config)};\n{source}",
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    # The browser asks again on every check, so a deploy reaches every phone at its next visit.
    response["Cache-Control"] = "no-cache"
    return response


def _icon(relative: str, content_type: str):
    path = finders.find(relative)
    if path is None:
        raise Http404
    response = FileResponse(open(path, "rb"), content_type=content_type)  # noqa: SIM115 - FileResponse closes it
    response["Cache-Control"] = ICON_CACHE
    return response


@require_safe
def favicon(request):
    return _icon("icons/favicon.ico", "image/x-icon")


@require_safe
def apple_touch_icon(request):
    return _icon("icons/apple-touch-icon.png", "image/png")


@require_safe
def offline(request):
    return render(request, "pwa/offline.html")
