"""One person can have only a few organisation applications waiting for approval at once."""

import pytest

from ledger.models import Account
from partners.models import Organisation, Participation, StaffMembership
from partners.services.organisations import organisation_apply, participation_decide
from tests.factories import MemberFactory, ProgrammeFactory, ProgrammeRoleFactory
from tests.racing import race
from timecredits.programmes.models import ProgrammeRole

pytestmark = pytest.mark.django_db


def _apply(client, programme, name):
    return client.post(
        f"/api/v1/programmes/{programme.pk}/organisations",
        {"name": name, "kind": "group"},
        content_type="application/json",
    )


def _rows():
    return (
        Organisation.objects.count(),
        Participation.objects.count(),
        StaffMembership.objects.count(),
        Account.objects.count(),
    )


def test_the_fourth_pending_application_is_refused_and_writes_nothing(client):
    programme = ProgrammeFactory()
    member = MemberFactory(programme=programme)
    client.force_login(member.user)
    statuses = [_apply(client, programme, f"Group {n}").status_code for n in range(3)]
    before = _rows()

    refused = _apply(client, programme, "Group 4")

    assert statuses == [201, 201, 201]
    assert refused.status_code == 409
    assert refused.json() == {
        "error": {
            "code": "too_many_pending_applications",
            "message": "You already have 3 organisations waiting for approval. You can apply "
            "again once a programme admin has decided on one of them.",
            "detail": {"pending": 3, "limit": 3},
        }
    }
    assert _rows() == before


def test_an_application_under_another_organisations_name_is_refused_and_writes_nothing(client):
    programme = ProgrammeFactory()
    member = MemberFactory(programme=programme)
    client.force_login(member.user)
    _apply(client, programme, "Canal Friends")
    before = _rows()

    refused = _apply(client, programme, "CANAL friends")

    assert refused.status_code == 422
    assert refused.json()["error"]["detail"] == [
        {"field": "name", "message": "Another organisation is already called CANAL friends."}
    ]
    assert _rows() == before


def test_a_decision_frees_a_place(client):
    programme = ProgrammeFactory()
    admin = ProgrammeRoleFactory(programme=programme, role=ProgrammeRole.Role.ADMIN).user
    member = MemberFactory(programme=programme)
    client.force_login(member.user)
    for n in range(3):
        _apply(client, programme, f"Group {n}")

    participation_decide(
        actor=admin,
        programme=programme,
        organisation=Organisation.objects.get(name="Group 0"),
        approve=True,
    )
    response = _apply(client, programme, "Group 4")

    assert response.status_code == 201
    assert Participation.objects.filter(status="pending").count() == 3


def test_the_limit_is_per_person(client, settings):
    settings.ORGANISATION_PENDING_APPLICATIONS_LIMIT = 1
    programme = ProgrammeFactory()
    first, second = MemberFactory(programme=programme), MemberFactory(programme=programme)
    client.force_login(first.user)
    _apply(client, programme, "First's group")
    client.force_login(second.user)

    response = _apply(client, programme, "Second's group")

    assert response.status_code == 201


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_applications_sent_at_once_stop_at_the_limit():
    # Ten at once from one person: counted one after another, so exactly three wait.
    programme = ProgrammeFactory()
    member = MemberFactory(programme=programme)

    outcomes = race(
        [
            lambda n=n: organisation_apply(
                actor=member.user, programme=programme, name=f"Group {n}", kind="group"
            )
            for n in range(10)
        ]
    )

    codes = sorted(code for code, _result in outcomes)
    assert codes == ["ok"] * 3 + ["too_many_pending_applications"] * 7
    assert Participation.objects.filter(programme=programme).count() == 3
    assert Organisation.objects.count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_name_applied_for_at_once_by_several_people_goes_to_one():
    # Each checks that no organisation has the name before writing its own: without the name
    # claimed until the transaction ends, several checks pass before any write is seen.
    programme = ProgrammeFactory()
    applicants = [MemberFactory(programme=programme) for _ in range(6)]

    outcomes = race(
        [
            lambda who=who, name=name: organisation_apply(
                actor=who.user, programme=programme, name=name, kind="group"
            )
            for who, name in zip(
                applicants, ["Canal Friends", "canal friends", " CANAL  Friends "] * 2, strict=True
            )
        ]
    )

    codes = sorted(code for code, _result in outcomes)
    assert codes == ["invalid"] * 5 + ["ok"]
    assert Organisation.objects.filter(name__iexact="canal friends").count() == 1
    assert Participation.objects.filter(programme=programme).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_names_that_make_one_slug_applied_for_at_once_each_get_their_own():
    # "Canal Friends" and "Canal-Friends!" are different names with one slug: both taking it at
    # once was an integrity error, a server error for one of them.
    programme = ProgrammeFactory()
    names = ["Canal Friends", "Canal-Friends!", "canal friends?", "Canal: Friends"]
    applicants = [MemberFactory(programme=programme) for _ in names]

    outcomes = race(
        [
            lambda who=who, name=name: organisation_apply(
                actor=who.user, programme=programme, name=name, kind="group"
            )
            for who, name in zip(applicants, names, strict=True)
        ]
    )

    assert [code for code, _result in outcomes] == ["ok"] * 4
    slugs = sorted(Organisation.objects.values_list("slug", flat=True))
    assert slugs == ["canal-friends", "canal-friends-2", "canal-friends-3", "canal-friends-4"]


@pytest.mark.parametrize(
    ("website", "message"),
    [
        ("javascript:alert(1)", "Enter a web address like https://example.org."),
        # 199 characters passed the 200 limit, then https:// made them 207: a 500 on PostgreSQL.
        ("canal.org/" + "p" * 189, "Use a web address of at most 200 characters."),
    ],
)
def test_an_application_with_a_website_it_cannot_keep_is_refused_and_writes_nothing(
    client, website, message
):
    programme = ProgrammeFactory()
    client.force_login(MemberFactory(programme=programme).user)
    before = _rows()

    refused = client.post(
        f"/api/v1/programmes/{programme.pk}/organisations",
        {"name": "Canal Friends", "kind": "group", "website": website},
        content_type="application/json",
    )

    assert refused.status_code == 422
    assert refused.json()["error"]["detail"] == [{"field": "website", "message": message}]
    assert _rows() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_name_whose_slug_another_takes_as_its_second_applied_for_at_once_gets_its_own():
    # "Canal Friends" exists: a second "Canal-Friends!" falls back to canal-friends-2 while
    # "Canal Friends 2" asks for canal-friends-2 as its first: only the first was claimed.
    programme = ProgrammeFactory()
    organisation_apply(
        actor=MemberFactory(programme=programme).user,
        programme=programme,
        name="Canal Friends",
        kind="group",
    )
    names = ["Canal-Friends!", "Canal Friends 2"]
    applicants = [MemberFactory(programme=programme) for _ in names]

    outcomes = race(
        [
            lambda who=who, name=name: organisation_apply(
                actor=who.user, programme=programme, name=name, kind="group"
            )
            for who, name in zip(applicants, names, strict=True)
        ]
    )

    assert [code for code, _result in outcomes] == ["ok", "ok"]
    assert Organisation.objects.values("slug").distinct().count() == 3
