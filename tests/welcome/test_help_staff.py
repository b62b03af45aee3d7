"""Clear answers for staff: /help lists the staff commands, /voting's example date is in the
future, and extending a closed window says that voting is open again."""

import re
from datetime import UTC, date, datetime

from tests.conftest import RESIDENT, STAFF, last


async def test_help_lists_the_staff_commands_for_staff_only(running):
    running.fake.add_user(STAFF, language_code="en")
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(STAFF, "/help")
    staff_help = last(running, STAFF).plain_text
    assert "For staff:" in staff_help
    for command in ("/phase", "/news", "/voting"):
        assert f"\n{command} – " in staff_help
    await running.send(RESIDENT, "/help")
    resident_help = last(running).plain_text
    assert "For staff:" not in resident_help and "/phase" not in resident_help


async def test_the_voting_example_date_is_a_week_ahead_and_typed_as_it_works(running):
    running.fake.add_user(STAFF, language_code="en")
    await running.send(STAFF, "/voting")
    text = last(running, STAFF).plain_text
    found = re.search(r"/voting extend (\d{4}-\d{2}-\d{2}) 23:59", text)
    assert found is not None and "2020-02-25" not in text
    shown = date.fromisoformat(found[1])
    assert 6 <= (shown - datetime.now(UTC).date()).days <= 8
    # The example works as written.
    await running.send(STAFF, found[0])
    assert "Voting is open again until" in last(running, STAFF).plain_text


async def test_extending_a_closed_window_says_voting_is_open_again(running):
    running.fake.add_user(STAFF, language_code="en")
    await running.send(STAFF, "/voting extend 2099-12-31 18:00")
    answer = last(running, STAFF).plain_text
    assert "Voting is open again until" in answer and "2099" in answer
    await running.send(STAFF, "/voting extend 2099-12-31 20:00")  # open already: no "again"
    assert "open again" not in last(running, STAFF).plain_text
