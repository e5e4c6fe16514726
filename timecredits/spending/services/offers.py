"""Writes about offers: a venue publishes what it gives for credits, changes it, and its photo."""

import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from partners.selectors import approved_programmes
from timecredits.activities.limits import FIRST_YEAR, LAST_YEAR
from timecredits.db import retry_on_conflict
from timecredits.errors import Invalid
from timecredits.text import one_line

from ..errors import NotAVenue, OfferInvalid
from ..models import Offer

FIELDS = [
    "title",
    "description",
    "cost_minutes",
    "category",
    "days_of_week",
    "opens_at",
    "closes_at",
    "valid_from",
    "valid_until",
    "capacity",
    "capacity_period",
    "member_limit",
    "member_limit_period",
    "accessibility",
    "photo",
    "active",
]
DEFAULTS = {
    "description": "",
    "days_of_week": Offer.EVERY_DAY,
    "opens_at": None,
    "closes_at": None,
    "valid_from": None,
    "valid_until": None,
    "capacity": None,
    "capacity_period": "",
    "member_limit": None,
    "member_limit_period": "",
    "accessibility": "",
    "photo": None,
    "active": True,
}


def weekdays_bits(weekdays: list[int]) -> int:
    """The days an offer runs, given as weekday numbers (0 is Monday), as the bits it stores."""
    if any(not 0 <= day <= 6 for day in weekdays):
        raise Invalid(detail=[{"field": "days_of_week", "message": _("Use 0 (Mon) to 6 (Sun).")}])
    return sum(1 << day for day in set(weekdays))


def _problems(values: dict) -> list[dict]:
    """The same rules as the table's constraints, said field by field for a form."""
    problems = []

    def add(field, message):
        problems.append({"field": field, "message": message})

    if not (values.get("title") or "").strip():
        add("title", _("Give the offer a title."))
    cost = values.get("cost_minutes")
    if not isinstance(cost, int) or isinstance(cost, bool) or cost <= 0:
        add("cost_minutes", _("The cost must be a whole number of minutes above zero."))
    if values.get("category") not in Offer.Category.values:
        add("category", _("Choose a category."))
    if not isinstance(values.get("active"), bool):
        add("active", _("Say whether the offer is on or off."))
    days = values.get("days_of_week")
    if not isinstance(days, int) or not 1 <= days <= Offer.EVERY_DAY:
        add("days_of_week", _("Choose at least one day of the week."))
    opens, closes = values.get("opens_at"), values.get("closes_at")
    # Times of day as the venue's clock shows them: one with a UTC offset could not be
    # compared with one without (a 500), and the offset would be dropped on saving.
    offset = [
        f for f, t in (("opens_at", opens), ("closes_at", closes)) if getattr(t, "tzinfo", None)
    ]
    if offset:
        for field in offset:
            add(field, _("Give the time as the venue's clock shows it, without a UTC offset."))
    elif (opens is None) != (closes is None):
        add("closes_at", _("Give both a start and an end time, or neither."))
    elif opens is not None and opens >= closes:
        add("closes_at", _("The end time must be after the start time."))
    for text in ("description", "accessibility"):  # 200,000 characters made a page 166,000 px
        if len(values.get(text) or "") > Offer.DESCRIPTION_LIMIT:
            add(text, _("Use at most %(n)s characters.") % {"n": f"{Offer.DESCRIPTION_LIMIT:,}"})
    start, end = values.get("valid_from"), values.get("valid_until")
    for field, day in (("valid_from", start), ("valid_until", end)):
        if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
            add(
                field,
                _("Offers run between %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
            )
    if start and end and start > end:
        add("valid_until", _("The last day must not be before the first day."))
    capacity, period = values.get("capacity"), values.get("capacity_period") or ""
    if capacity is None and period:
        add("capacity", _("Say how many places there are, or choose no limit."))
    elif capacity is not None and (capacity <= 0 or period not in ("day", "week")):
        add("capacity_period", _("Give a number of places above zero, per day or per week."))
    limit, limit_period = values.get("member_limit"), values.get("member_limit_period") or ""
    if limit is None and limit_period:
        add("member_limit", _("Say how many times a member may use it, or choose no limit."))
    elif limit is not None and (limit <= 0 or limit_period not in Offer.Period.values):
        add("member_limit_period", _("Give a limit above zero, per day, week or month."))
    return problems


# What Pillow calls each format we accept, and the file name ending it is stored under.
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


def _photo_refused(message: str) -> OfferInvalid:
    return OfferInvalid(message, detail=[{"field": "photo", "message": message}])


def photo_checked(upload) -> ContentFile:
    """An uploaded photo, refused unless it is a JPEG, PNG, GIF or WebP image within the size
    limits; stored under a fresh random name (which also tells caches it is new)."""
    limit = settings.OFFER_PHOTO_MAX_BYTES
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _photo_refused(
            _("The photo is too large: the most is %(size)s.") % {"size": filesizeformat(limit)}
        )
    try:
        with Image.open(ContentFile(data)) as image:
            image.verify()
            kind, (width, height) = image.format, image.size
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        kind, width, height = None, 0, 0
    if kind not in PHOTO_FORMATS:
        raise _photo_refused(_("The photo must be a JPEG, PNG, GIF or WebP image."))
    if max(width, height) > settings.OFFER_PHOTO_MAX_SIDE:
        raise _photo_refused(
            _("The photo is too big: at most %(px)s pixels on its longer side.")
            % {"px": settings.OFFER_PHOTO_MAX_SIDE}
        )
    return ContentFile(data, name=f"{secrets.token_hex(8)}.{PHOTO_FORMATS[kind]}")


def _forget_photo_after_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


@retry_on_conflict
def offer_photo_set(*, offer: Offer, photo) -> Offer:
    """Give an offer a photo, or replace the one it has (whose file is then deleted)."""
    checked = photo_checked(photo)
    offer = Offer.objects.select_for_update(no_key=True).get(pk=offer.pk)
    old = offer.photo.name
    offer.photo = checked
    offer.save(update_fields=["photo", "updated_at"])
    _forget_photo_after_commit(old)
    return offer


def _programmes(venue, programmes):
    approved = approved_programmes(organisation=venue)
    if programmes is None:
        return list(approved)
    if not programmes:
        # Published to nobody, it would be a code no member could ever get.
        message = _("Choose at least one programme whose members may use it.")
        raise OfferInvalid(message, detail=[{"field": "programmes", "message": message}])
    allowed = set(approved.values_list("pk", flat=True))
    outside = sorted(p.pk for p in programmes if p.pk not in allowed)
    if outside:
        raise OfferInvalid(
            _("Members can only come from programmes your venue is approved in."),
            detail=[
                {
                    "field": "programmes",
                    "message": _("Not approved in %(outside)s.") % {"outside": outside},
                }
            ],
        )
    return list(programmes)


@transaction.atomic
def offer_create(*, venue, programmes=None, **values) -> Offer:
    """Publish an offer; its members come from the venue's approved programmes unless given."""
    if not venue.accepts_credits:
        raise NotAVenue()
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise OfferInvalid(
            detail=[
                {"field": f, "message": _("This is not a detail of an offer.")} for f in unknown
            ]
        )
    values = DEFAULTS | values
    values["title"] = one_line(values.get("title"))
    problems = _problems(values)
    if problems:
        raise OfferInvalid(detail=problems)
    if values["photo"] is None:
        values.pop("photo")
    else:
        values["photo"] = photo_checked(values["photo"])
    offer = Offer.objects.create(organisation=venue, **values)
    offer.programmes.set(_programmes(venue, programmes))
    return offer


@retry_on_conflict
def offer_update(*, offer: Offer, programmes=None, **changes) -> Offer:
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise OfferInvalid(
            detail=[{"field": f, "message": _("This cannot be changed here.")} for f in unknown]
        )
    offer = Offer.objects.select_for_update(no_key=True).get(pk=offer.pk)
    if "title" in changes:
        changes["title"] = one_line(changes["title"])
    values = {f: getattr(offer, f) for f in FIELDS} | changes
    problems = _problems(values)
    if problems:
        raise OfferInvalid(detail=problems)
    if changes.get("photo"):
        changes["photo"] = photo_checked(changes["photo"])
        _forget_photo_after_commit(offer.photo.name)
    for field, value in changes.items():
        setattr(offer, field, value)
    offer.save()
    if programmes is not None:
        offer.programmes.set(_programmes(offer.organisation, programmes))
    return offer
