"""The versioned API: one NinjaAPI, its error handlers and its routers."""

from . import errors
from .auth import ANYONE_SIGNED_IN
from .openapi import DocumentedErrorsAPI
from .parser import StrictParser
from .routers import (
    auth,
    checkins,
    credits,
    me,
    members,
    offers,
    organisations,
    outcomes,
    programmes,
    reports,
    sessions,
    snapshots,
    surveys,
    valuation,
)

api = DocumentedErrorsAPI(
    title="Time credits API",
    version="1",
    description="Earn time credits for time given, spend them at partner venues. "
    'Every error has the shape {"error": {"code", "message", "detail"}}.',
    auth=ANYONE_SIGNED_IN,
    urls_namespace="api-v1",
    parser=StrictParser(),
)
errors.install(api)

api.add_router("/auth", auth.router)
api.add_router("/me", me.router)
api.add_router("/me/surveys", surveys.me_router)
api.add_router("/members", members.router)
api.add_router("/organisations", organisations.router)
api.add_router("/invitations", organisations.invitations)
api.add_router("/programmes", programmes.router)
api.add_router("/programmes", surveys.router)
api.add_router("", checkins.router)
api.add_router("", sessions.router)
api.add_router("", credits.router)
api.add_router("", offers.router)
api.add_router("", reports.router)
api.add_router("", outcomes.router)
api.add_router("", valuation.router)
api.add_router("", snapshots.router)
