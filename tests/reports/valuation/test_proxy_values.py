"""A programme admin lists, adds and removes the programme's own proxy values, by API and page;
bad input is refused with every problem named and nothing written."""

from decimal import Decimal

import pytest

from tests.factories import ProgrammeFactory, ProgrammeRoleFactory, UserFactory
from tests.reports.conftest import admin_of
from timecredits.reports.models import ProxyValue
from timecredits.surveys.models import Outcome


@pytest.fixture
def programme(db):
    return ProgrammeFactory()


@pytest.fixture
def admin(programme):
    return admin_of(programme)


@pytest.fixture
def outcome(programme):
    return Outcome.objects.create(programme=programme, name="Less lonely")


def _url(programme, proxy=None):
    base = f"/api/v1/programmes/{programme.pk}/proxy-values"
    return base if proxy is None else f"{base}/{proxy.pk}"


HOUR = {
    "name": "An hour given (demo)",
    "basis": "hour",
    "value": "14.25",
    "source": "Invented for this test.",
    "deadweight_percent": "20",
    "attribution_percent": "12.5",
}


def test_an_admin_adds_a_value_per_outcome_and_lists_it(client, programme, admin, outcome):
    client.force_login(admin)

    response = client.post(
        _url(programme),
        {**HOUR, "name": "Loneliness eased", "basis": "outcome", "outcome_id": outcome.pk},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    proxy = ProxyValue.objects.get()
    assert (proxy.programme, proxy.outcome, proxy.created_by) == (programme, outcome, admin)
    assert (proxy.value, proxy.deadweight_percent, proxy.attribution_percent) == (
        Decimal("14.25"),
        Decimal("20"),
        Decimal("12.5"),
    )
    listed = client.get(_url(programme)).json()
    assert listed == [
        {
            "id": proxy.pk,
            "name": "Loneliness eased",
            "basis": "outcome",
            "outcome_id": outcome.pk,
            "value": "14.25",
            "source": "Invented for this test.",
            "deadweight_percent": "20.00",
            "attribution_percent": "12.50",
        }
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"source": "   "}, "source"),
        ({"name": ""}, "name"),
        ({"basis": "visit"}, "basis"),
        ({"basis": "outcome"}, "outcome_id"),
        ({"basis": "outcome", "outcome_id": "elsewhere"}, "outcome_id"),
        ({"outcome_id": "mine"}, "outcome_id"),
        ({"value": "0"}, "value"),
        ({"value": "-3"}, "value"),
        ({"value": "1.005"}, "value"),
        ({"value": "100000000"}, "value"),
        ({"deadweight_percent": "100.01"}, "deadweight_percent"),
        ({"attribution_percent": "-1"}, "attribution_percent"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    client, programme, admin, outcome, change, field
):
    elsewhere = Outcome.objects.create(programme=ProgrammeFactory(), name="Elsewhere")
    ids = {"elsewhere": elsewhere.pk, "mine": outcome.pk}
    body = {**HOUR, **{k: ids.get(v, v) for k, v in change.items()}}
    client.force_login(admin)

    response = client.post(_url(programme), body, content_type="application/json")

    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in [p["field"] for p in error["detail"]]
    assert ProxyValue.objects.count() == 0


def test_a_value_without_a_source_is_refused_by_the_schema(client, programme, admin):
    client.force_login(admin)
    body = {k: v for k, v in HOUR.items() if k != "source"}

    response = client.post(_url(programme), body, content_type="application/json")

    assert response.status_code == 422
    assert [p["field"] for p in response.json()["error"]["detail"]] == ["source"]
    assert ProxyValue.objects.count() == 0


def test_a_second_value_with_the_same_name_is_a_conflict(client, programme, admin):
    client.force_login(admin)
    assert client.post(_url(programme), HOUR, content_type="application/json").status_code == 201

    response = client.post(_url(programme), HOUR, content_type="application/json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert ProxyValue.objects.count() == 1


def _stored(programme, name="An hour given (demo)"):
    return ProxyValue.objects.create(
        programme=programme,
        name=name,
        basis="hour",
        value=Decimal("10"),
        source="Invented for this test.",
        created_by=UserFactory(),
    )


def test_an_admin_removes_a_value(client, programme, admin):
    proxy, kept = _stored(programme), _stored(programme, "Kept")
    client.force_login(admin)

    response = client.delete(_url(programme, proxy))

    assert response.status_code == 204
    assert list(ProxyValue.objects.all()) == [kept]


def test_another_programmes_value_cannot_be_removed_through_this_one(client, programme, admin):
    theirs = _stored(ProgrammeFactory())
    client.force_login(admin)

    response = client.delete(f"/api/v1/programmes/{programme.pk}/proxy-values/{theirs.pk}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert ProxyValue.objects.filter(pk=theirs.pk).exists()


def test_a_commissioner_can_neither_add_nor_remove(client, programme):
    proxy = _stored(programme)
    client.force_login(ProgrammeRoleFactory(programme=programme).user)

    added = client.post(_url(programme), {**HOUR, "name": "More"}, content_type="application/json")
    removed = client.delete(_url(programme, proxy))

    assert (added.status_code, removed.status_code) == (403, 403)
    assert list(ProxyValue.objects.all()) == [proxy]


def _page(programme):
    return f"/programmes/{programme.pk}/admin/reports/proxy-values/"


def test_the_page_adds_lists_and_removes(client, programme, admin, outcome):
    client.force_login(admin)

    added = client.post(
        _page(programme),
        {**HOUR, "action": "add", "basis": "outcome", "outcome": outcome.pk},
    )

    assert added.status_code == 302
    proxy = ProxyValue.objects.get()
    assert (proxy.name, proxy.outcome) == ("An hour given (demo)", outcome)
    page = client.get(_page(programme)).content.decode()
    assert "Invented for this test." in page
    removed = client.post(_page(programme), {"action": "remove", "proxy": proxy.pk})
    assert removed.status_code == 302
    assert ProxyValue.objects.count() == 0


def test_the_page_names_every_problem_and_keeps_what_was_typed(client, programme, admin):
    client.force_login(admin)

    response = client.post(
        _page(programme), {**HOUR, "action": "add", "source": "", "value": "lots"}
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "Say where the figure comes from" in page
    assert "Give a number." in page
    assert 'value="An hour given (demo)"' in page
    assert ProxyValue.objects.count() == 0


def test_the_page_refuses_anyone_but_the_programmes_admins(client, programme):
    proxy = _stored(programme)
    client.force_login(ProgrammeRoleFactory(programme=programme).user)

    shown = client.get(_page(programme))
    removed = client.post(_page(programme), {"action": "remove", "proxy": proxy.pk})

    assert (shown.status_code, removed.status_code) == (403, 403)
    assert ProxyValue.objects.filter(pk=proxy.pk).exists()


def test_a_second_tap_on_remove_says_it_is_gone_not_a_404(client, programme, admin):
    proxy = _stored(programme)
    client.force_login(admin)
    client.post(_page(programme), {"action": "remove", "proxy": proxy.pk})

    again = client.post(_page(programme), {"action": "remove", "proxy": proxy.pk}, follow=True)

    assert again.status_code == 200
    assert "That proxy value is no longer in the list." in again.content.decode()


def test_each_problem_is_said_at_its_field_and_pounds_are_read_as_written(client, programme, admin):
    client.force_login(admin)

    refused = client.post(_page(programme), {**HOUR, "action": "add", "value": "lots"})
    added = client.post(_page(programme), {**HOUR, "action": "add", "value": "£1,250.50"})

    page = refused.content.decode()
    assert '<p class="field-error" id="proxy-value-error">Give a number.</p>' in page
    assert 'aria-invalid="true" aria-describedby="proxy-value-error"' in page
    assert added.status_code == 302
    assert ProxyValue.objects.get().value == Decimal("1250.50")


def test_a_comma_for_the_pence_is_refused_not_read_as_hundreds_of_pounds(client, programme, admin):
    # "12,50" was stored as £1,250.00, inflating every estimate a hundred times.
    client.force_login(admin)

    refused = client.post(_page(programme), {**HOUR, "action": "add", "value": "12,50"})

    assert "Use a point for pence, like 12.50" in refused.content.decode()
    assert not ProxyValue.objects.exists()
