import io

from django.core.management import call_command

from timecredits.surveys.instruments import (
    SWEMWBS_COPYRIGHT,
    load_built_in_instruments,
)
from timecredits.surveys.models import Instrument, Question


def test_built_in_instruments_load_with_their_questions(db):
    load_built_in_instruments()

    counts = {i.key: i.questions.count() for i in Instrument.objects.filter(built_in=True)}
    assert counts == {"ons4": 4, "ucla3": 3, "loneliness_direct": 1, "swemwbs": 7}
    swemwbs = Instrument.objects.get(key="swemwbs")
    assert swemwbs.copyright == SWEMWBS_COPYRIGHT
    assert swemwbs.requires_registration is True
    anxiety = Question.objects.get(instrument__key="ons4", key="anxiety")
    assert (anxiety.kind, anxiety.min_value, anxiety.max_value) == ("scale", 0, 10)
    companionship = Question.objects.get(instrument__key="ucla3", key="companionship")
    assert companionship.point_labels == ["Hardly ever or never", "Some of the time", "Often"]


def test_loading_twice_changes_nothing_and_keeps_question_ids(db):
    load_built_in_instruments()
    ids = sorted(Question.objects.values_list("pk", flat=True))

    load_built_in_instruments()
    call_command("load_instruments", stdout=io.StringIO())

    assert Instrument.objects.count() == 4
    assert sorted(Question.objects.values_list("pk", flat=True)) == ids


def test_loading_restores_an_edited_wording(db):
    load_built_in_instruments()
    Question.objects.filter(key="happiness").update(text="Edited")

    load_built_in_instruments()

    assert (
        Question.objects.get(key="happiness").text == "Overall, how happy did you feel yesterday?"
    )
