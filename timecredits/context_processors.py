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
    items = [NavItem("home", reverse("home"), _("Home"), "home")]
    if nav.member:
        items.append(NavItem("scan", reverse("scan"), _("Scan"), "scan"))
        items.append(NavItem("pass", reverse("member-pass"), _("Pass"), "pass"))
        items.append(NavItem("credits", reverse("member-history"), _("Credits"), "credits"))
    if nav.coordinates:
        items.append(
            NavItem(
                "sessions",
                reverse("organisation-sessions", args=[nav.coordinates]),
                _("Sessions"),
                "sessions",
            )
        )
        items.append(
            NavItem(
                "verify",
                reverse("organisation-verify", args=[nav.coordinates]),
                _("Verify"),
                "verify",
            )
        )
    if nav.venue:
        items.append(
            NavItem(
                "redeem",
                reverse("venue-redeem", args=[nav.venue]),
                _("Redeem"),
                "scan",
                also=() if nav.member else ("scan",),
            )
        )
        items.append(
            NavItem(
                "offers",
                reverse("venue-offers", args=[nav.venue]),
                _("Offers"),
                "spend",
            )
        )
    if nav.programme:
        items.append(
            NavItem(
                "programme",
                reverse("programme-admin", args=[nav.programme]),
                _("Programme"),
                "sessions",
            )
        )
    if nav.reports:
        items.append(
            NavItem(
                "reports",
                reverse("programme-reports", args=[nav.reports]),
                _("Reports"),
                "report",
            )
        )
    return items


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    nav = user_navigation(actor=user)
    items = _items(nav)
    return {
        "nav_items": items,
        "tabbar_items": items[:TABBAR_SIZE] if len(items) > 1 else [],
        "account_url": reverse("member-profile") if nav.member else reverse("member-devices"),
    }
