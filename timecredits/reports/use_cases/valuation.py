"""Use cases of the optional valuation: its estimates (page and API), and the proxy values the
programme's admins keep (page and API). Each loads what it needs, checks permission once and
returns what the caller renders."""

from timecredits.permissions import Action, has_permission, permitted_programme
from timecredits.surveys.selectors import programme_outcomes

from ..exports import Download
from ..models import ProxyValue
from ..valuation import selectors, services
from .outputs import programme_page, programme_read


def programme_valuation(**asked) -> dict:
    """The programme's valuation with disclosure control, for its admins and commissioners.
    `asked`: actor, programme_id, period_start, period_end, and optionally organisation_id and
    area."""
    return programme_read(selectors.programme_valuation, **asked)[2]


def programme_valuation_page(**asked) -> dict | Download:
    """What the valuation page shows: the programme, its valuation while the page's filter is
    valid, and whether the reader manages proxy values; or the download asked for. `asked`, as
    `outputs.programme_page` takes it: actor, programme_id, period (its first and last day),
    download ("csv" or "xlsx"), and the filters organisation_id and area."""
    page = programme_page(selectors.programme_valuation, of="valuation", **asked)
    if isinstance(page, Download):
        return page
    programme, actor = page["programme"], asked["actor"]
    return {
        "programme": programme,
        "valuation": page["report"],
        "manages": has_permission(actor, Action.PROGRAMME_PROXY_VALUES_MANAGE, programme=programme),
    }


def _manager(*, actor, programme_id: int):
    """The programme, for one of the admins who keep its proxy values."""
    programme = permitted_programme(actor, Action.PROGRAMME_PROXY_VALUES_MANAGE, programme_id)
    return programme


def proxy_values_list(*, actor, programme_id: int):
    """The programme's proxy values, for its admins."""
    return selectors.proxy_values(programme=_manager(actor=actor, programme_id=programme_id))


def proxy_values_page(*, actor, programme_id: int) -> dict:
    """What the page where the programme's admins keep their proxy values shows."""
    programme = _manager(actor=actor, programme_id=programme_id)
    return {
        "programme": programme,
        "proxies": selectors.proxy_values(programme=programme),
        "outcomes": programme_outcomes(programme=programme),
        "bases": ProxyValue.Basis.choices,
    }


def proxy_value_create(*, actor, programme_id: int, **fields) -> ProxyValue:
    """Add a proxy value (`valuation.services.proxy_value_create` says what `fields` hold)."""
    programme = _manager(actor=actor, programme_id=programme_id)
    return services.proxy_value_create(actor=actor, programme=programme, **fields)


def proxy_value_remove(*, actor, programme_id: int, proxy_id: int) -> None:
    programme = _manager(actor=actor, programme_id=programme_id)
    services.proxy_value_remove(programme=programme, proxy_id=proxy_id)
