"""The objects a path names, or the one error shape's 404: shared by the routers."""

from django.utils.translation import gettext as _

from partners.models import Organisation
from timecredits.errors import NotFound
from timecredits.programmes.models import Programme


def programme_or_404(programme_id: int) -> Programme:
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        raise NotFound(_("There is no such programme."))
    return programme


def organisation_or_404(organisation_id: int) -> Organisation:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound(_("There is no such organisation."))
    return organisation
