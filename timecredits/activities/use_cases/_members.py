"""The member a self-service use case acts for."""

from timecredits.members.use_cases import own_member
from timecredits.permissions import Action, require


def acting_member(actor, *, refuse_non_members: bool):
    """The actor's own open member profile. Pages answer anyone without one with a 404; the API
    first refuses whoever is not a member at all (a 403), as for every self-service action."""
    if refuse_non_members:
        require(actor, Action.OWN_PROFILE)
    return own_member(actor=actor)
