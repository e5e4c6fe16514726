"""The page shell's navigation, on every page: the bottom tab bar on phones and the same links in
the header on wider screens. An entry point: it asks a use case where the person may go and turns
that into links; each page checks its own permission when followed."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from timecredits.members.use_cases import user_navigation


@dataclass(frozen=True)
class NavItem:
    key: str  # the value a page puts in {% block tab %} to mark this item current
    url: str
    label: str
    icon: str  # a template under ui/icons/
    also: tuple[str, ...] = ()  # other tab values that mark this item current

    def is_current(self, tab: str) -> bool:
        return bool(tab) and (tab == self.key or tab in self.also)


TABBAR_SIZE = 5


def _items(nav) -> list[NavItem]:
    def item(key, url_name, label, icon, *args, also=()):
        return NavItem(key, reverse(url_name, args=args), label, icon, also)

    items = [item("home", "home", _("Home"), "home")]
    if nav.member:
        items.append(item("scan", "scan", _("Scan"), "scan"))
        items.append(item("pass", "member-pass", _("Pass"), "pass"))
        items.append(item("credits", "member-history", _("Credits"), "credits"))
    if nav.coordinates:
        items.append(
            item("sessions", "organisation-sessions", _("Sessions"), "sessions", nav.coordinates)
        )
        items.append(item("verify", "organisation-verify", _("Verify"), "verify", nav.coordinates))
    if nav.venue:
        # Venue staff who are not members scan at the till, so a page marked "scan" is theirs.
        also = () if nav.member else ("scan",)
        items.append(item("redeem", "venue-redeem", _("Redeem"), "scan", nav.venue, also=also))
        items.append(item("offers", "venue-offers", _("Offers"), "spend", nav.venue))
    if nav.programme:
        items.append(
            item("programme", "programme-admin", _("Programme"), "sessions", nav.programme)
        )
    if nav.reports:
        items.append(item("reports", "programme-reports", _("Reports"), "report", nav.reports))
    return items


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # The home page has read the person's roles already, and left where they lead here.
    nav = getattr(request, "navigation", None) or user_navigation(actor=user)
    items = _items(nav)
    return {
        "nav_items": items,
        "tabbar_items": items[:TABBAR_SIZE] if len(items) > 1 else [],
        "account_url": reverse("member-profile") if nav.member else reverse("member-devices"),
    }
