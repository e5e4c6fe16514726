"""The objects a path names, or the one error shape's 404: shared by the routers until each calls a
use case that loads what it needs (then this module goes)."""

from partners.selectors import organisation_get
from timecredits.programmes.selectors import programme_get


def programme_or_404(programme_id: int):
    return programme_get(programme_id=programme_id)


def organisation_or_404(organisation_id: int):
    return organisation_get(organisation_id=organisation_id)
