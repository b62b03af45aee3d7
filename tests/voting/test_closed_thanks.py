"""After the close, only residents with a ballot are thanked for taking part."""

from datetime import UTC, datetime, timedelta

from bot.voting.buttons import FieldBallot, Pick
from bot.voting.window import change_window
from tests.conftest import RESIDENT, agree, last

OTHER = 5151


async def test_after_the_close_only_voters_are_thanked(voting, example):
    await agree(voting, RESIDENT)
    field = example.fields[0]
    await voting.press(RESIDENT, FieldBallot(field))
    await voting.press(RESIDENT, Pick(field, field.goals[0], True))
    voting.fake.add_user(OTHER, language_code="en")
    await voting.send(OTHER, "/start")
    closes = datetime.now(UTC) - timedelta(seconds=1)
    await change_window(voting.services.database, None, "t", closes=closes)
    t = voting.services.catalogs.translator("en")

    await voting.send(RESIDENT, "/myballot")
    voter = last(voting).plain_text
    assert "Thank you for taking part" in voter
    assert t.datetime(closes) in voter and field.goals[0].text["en"] in voter

    await voting.send(OTHER, "/myballot")
    never_voted = last(voting, OTHER).plain_text
    assert f"Voting closed on {t.datetime(closes)}." in never_voted
    assert "Thank you" not in never_voted and "My ballot" not in never_voted
