"""Offers and redemptions: members browse and redeem; venue staff publish offers, complete codes,
charge a pass and see their day."""

import datetime
from functools import partial

from django.http import HttpResponse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from api.paging import page_query, paged
from api.routes import MADE_ONCE, made_once
from api.schemas import LAX, MAX_AMOUNT, IdempotencyKey, InputSchema
from timecredits.site import absolute_url
from timecredits.spending import use_cases
from timecredits.spending.display import is_live, photo_url
from timecredits.spending.tokens import redemption_url

router = Router(tags=["offers"])

IDEMPOTENCY_KEY = IdempotencyKey(
    "the credits move once", required=True, min_length=1, max_length=200
)


class OfferOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    title: str
    description: str
    cost_minutes: int = Field(description="60 minutes is one credit.")
    category: str
    days_of_week: list[int] = Field(description="0 is Monday, 6 is Sunday.")
    opens_at: datetime.time | None
    closes_at: datetime.time | None
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    capacity: int | None
    capacity_period: str
    member_limit: int | None
    member_limit_period: str
    accessibility: str
    photo_url: str = Field(description="Where the offer's photo is served; empty if it has none.")
    programme_ids: list[int] = Field(description="Members of these programmes may use it.")
    active: bool

    @staticmethod
    def of(offer) -> "OfferOut":
        plain = {
            f: getattr(offer, f)
            for f in OfferOut.model_fields
            if f not in ("organisation", "days_of_week", "photo_url", "programme_ids")
        }
        path = photo_url(offer)
        return OfferOut(
            **plain,
            organisation=offer.organisation.name,
            days_of_week=offer.weekdays,
            photo_url=absolute_url(path) if path else "",
            programme_ids=sorted(p.pk for p in offer.programmes.all()),
        )


class OfferPage(Schema):
    items: list[OfferOut]
    count: int
    next_offset: int | None


class OffersQuery(Schema):
    category: str | None = None
    organisation_id: int | None = None
    available_today: bool = False
    affordable: bool = Field(default=False, description="Only offers my balance covers now.")
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class OfferFields(InputSchema):
    """A field left out stays as it is. Those typed without null cannot be null: their None
    default only marks them as left out, since pydantic does not validate defaults."""

    title: str = Field(default=None, max_length=200)
    description: str | None = None
    cost_minutes: int = Field(default=None, ge=1, le=MAX_AMOUNT)
    category: str = None
    days_of_week: list[int] | None = Field(default=None, description="0 is Monday, 6 is Sunday.")
    opens_at: datetime.time | None = Field(default=None, **LAX)
    closes_at: datetime.time | None = Field(default=None, **LAX)
    valid_from: datetime.date | None = Field(default=None, **LAX)
    valid_until: datetime.date | None = Field(default=None, **LAX)
    capacity: int | None = Field(default=None, ge=1, le=1_000_000)
    capacity_period: str | None = None
    member_limit: int | None = Field(default=None, ge=1, le=1_000_000)
    member_limit_period: str | None = None
    accessibility: str | None = None
    active: bool = None
    programme_ids: list[int] = None


class OfferIn(OfferFields):
    organisation_id: int
    title: str = Field(max_length=200)
    cost_minutes: int = Field(ge=1, le=MAX_AMOUNT)
    category: str


class RedemptionIn(InputSchema):
    offer_id: int
    cost_minutes: int | None = Field(
        default=None,
        ge=1,
        le=MAX_AMOUNT,
        description=(
            "The cost the member was shown, in minutes. If the offer's price has changed since, "
            "the request is refused with 409 `price_changed` and nothing is held."
        ),
    )


class ChargeIn(InputSchema):
    offer_id: int
    pass_token: str = Field(max_length=500, description="From the scanned /p/<token> URL.")


class RedemptionOut(Schema):
    id: int
    code: str
    url: str = Field(description="The signed URL the code's QR carries.")
    status: str
    live: bool = Field(description="Held and inside its time: the venue can complete it.")
    method: str
    offer_id: int
    offer: str
    organisation_id: int
    member_code: str
    cost_minutes: int
    created_at: datetime.datetime
    expires_at: datetime.datetime
    completed_at: datetime.datetime | None

    @staticmethod
    def of(r) -> "RedemptionOut":
        return RedemptionOut(
            id=r.pk,
            code=r.code,
            url=redemption_url(redemption_id=r.pk, code=r.code),
            status=r.status,
            live=is_live(r),
            method=r.method,
            offer_id=r.offer_id,
            offer=r.offer.title,
            organisation_id=r.organisation_id,
            member_code=r.member.code,
            cost_minutes=r.cost_minutes,
            created_at=r.created_at,
            expires_at=r.expires_at,
            completed_at=r.completed_at,
        )


class DayQuery(Schema):
    date: str = Field(default="today", description="today, or a date like 2026-05-01")


def _offer_values(payload: OfferFields, *, partial: bool) -> dict:
    """The offer's values as the use case takes them: its days as `weekdays`, and
    `programme_ids` when given."""
    values = payload.dict(exclude_unset=partial, exclude={"organisation_id", "programme_ids"})
    values = {k: v for k, v in values.items() if partial or v is not None}
    for text in ("description", "accessibility", "capacity_period", "member_limit_period"):
        if text in values and values[text] is None:
            values[text] = ""
    if "days_of_week" in values:
        values["weekdays"] = values.pop("days_of_week") or []
    return values | {"programme_ids": payload.programme_ids}


@router.get("/offers", response=OfferPage, summary="Offers I can use, with filters; paginated")
def list_offers(request, query: Query[OffersQuery]):
    found = use_cases.offers_list(actor=request.auth, **query.dict())
    count, page = found["count"], found["items"]
    following = query.offset + len(page)
    return OfferPage(
        items=[OfferOut.of(o) for o in page],
        count=count,
        next_offset=following if following < count else None,
    )


@router.post("/offers", response={201: OfferOut}, summary="Publish an offer (venue staff)")
def create_offer(request, payload: OfferIn, idempotency_key: str | None = MADE_ONCE):
    fields = {"organisation_id": payload.organisation_id, **_offer_values(payload, partial=False)}
    return made_once(
        request,
        "offer_create",
        idempotency_key,
        fields,
        lambda asked: OfferOut.of(use_cases.offer_create(actor=request.auth, **asked)),
        OfferOut,
    )


@router.patch("/offers/{offer_id}", response=OfferOut, summary="Change an offer (venue staff)")
def update_offer(request, offer_id: int, payload: OfferFields):
    offer = use_cases.offer_update(
        actor=request.auth, offer_id=offer_id, **_offer_values(payload, partial=True)
    )
    return OfferOut.of(offer)


@router.post(
    "/offers/{offer_id}/photo",
    response=OfferOut,
    summary="Give an offer a photo, or replace it (venue staff; multipart, field `photo`)",
    description=(
        "A multipart upload with one file, `photo`: a JPEG, PNG, GIF or WebP image within the "
        "size limit. Anything else is refused with 422 `offer_invalid` and nothing changes."
    ),
)
def upload_offer_photo(request, offer_id: int, photo: File[UploadedFile]):
    offer = use_cases.offer_photo_set(actor=request.auth, offer_id=offer_id, photo=photo)
    return OfferOut.of(offer)


@router.post(
    "/redemptions",
    response={200: RedemptionOut, 201: RedemptionOut},
    summary="Redeem an offer: my credits are held and I get a code (200 for a replay)",
)
def redeem(request, payload: RedemptionIn, idempotency_key: str = IDEMPOTENCY_KEY):
    redemption, created = use_cases.redemption_create(
        actor=request.auth,
        offer_id=payload.offer_id,
        idempotency_key=idempotency_key,
        expected_cost=payload.cost_minutes,
    )
    return Status(201 if created else 200, RedemptionOut.of(redemption))


RedemptionsPage = page_query(limit=100, most=100)


@router.get(
    "/me/redemptions",
    response=list[RedemptionOut],
    summary="My codes, newest first",
    description="Where more follow, the `Link` header names the next page.",
)
def my_redemptions(request, response: HttpResponse, page: Query[RedemptionsPage]):
    read = partial(use_cases.member_redemptions_list, actor=request.auth)
    return [RedemptionOut.of(r) for r in paged(request, response, page, read)]


@router.post(
    "/redemptions/{code}/cancel",
    response=RedemptionOut,
    summary="Cancel my code: the credits are released",
)
def cancel(
    request,
    code: str,
    idempotency_key: str | None = IdempotencyKey("the credits are released once", max_length=100),
):
    redemption = use_cases.redemption_cancel(
        actor=request.auth, code=code, idempotency_key=idempotency_key
    )
    return RedemptionOut.of(redemption)


@router.post(
    "/organisations/{organisation_id}/redemptions/{code}/complete",
    response=RedemptionOut,
    summary="Complete a member's code at the venue (venue staff); completing twice is safe",
)
def complete(request, organisation_id: int, code: str, idempotency_key: str = IDEMPOTENCY_KEY):
    redemption = use_cases.redemption_complete(
        actor=request.auth,
        organisation_id=organisation_id,
        code=code,
        idempotency_key=idempotency_key,
    )
    return RedemptionOut.of(redemption)


@router.post(
    "/organisations/{organisation_id}/charges",
    response={200: RedemptionOut, 201: RedemptionOut},
    summary="Charge an offer to a scanned member pass (venue staff; 200 for a replay)",
)
def charge(
    request, organisation_id: int, payload: ChargeIn, idempotency_key: str = IDEMPOTENCY_KEY
):
    redemption, created = use_cases.redemption_charge_pass(
        actor=request.auth,
        organisation_id=organisation_id,
        offer_id=payload.offer_id,
        pass_token=payload.pass_token,
        idempotency_key=idempotency_key,
    )
    return Status(201 if created else 200, RedemptionOut.of(redemption))


@router.get(
    "/organisations/{organisation_id}/redemptions",
    response=list[RedemptionOut],
    summary="A venue's codes for a day, ?date=today (venue staff)",
)
def venue_day(request, organisation_id: int, query: Query[DayQuery]):
    day = use_cases.venue_day(actor=request.auth, organisation_id=organisation_id, date=query.date)
    return [RedemptionOut.of(r) for r in day]
