from timecredits.members.models import Member
from timecredits.ops.demo import seed_demo
from timecredits.spending.models import Offer
from timecredits.spending.selectors import offers_browse


def test_demo_offers_are_seeded_once_and_open_to_demo_members(db):
    seed_demo()
    seed_demo()

    titles = sorted(Offer.objects.values_list("title", flat=True))
    member = Member.objects.get(user__username="amira")
    assert titles == ["Cinema ticket", "Guided canal walk", "Gym induction", "Swim session"]
    assert {o.title for o in offers_browse(member=member)} == set(titles)
