"""Where the procedure stands, judged at exact moments: day boundaries in Europe/Berlin, the
daylight-saving changes, gaps between phases, overlaps, postponed phases and staff's choice."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.news.timeline import (
    Overrides,
    PhaseState,
    days,
    moment,
    reason_in,
    reasons,
    timeline,
)
from bot.procedure import Phase, Text

BERLIN = ZoneInfo("Europe/Berlin")


def phase(ident, starts, ends=None):
    return Phase(ident, starts, ends, Text(de=ident), Text(de=f"about {ident}"))


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def states(line):
    return {entry.phase.id: entry.state for entry in line.phases}


def at(phases, now, **overrides):
    return timeline(phases, BERLIN, Overrides(**overrides), now)


def test_a_phase_starts_at_midnight_local_time_on_its_first_day():
    phases = [phase("a", date(2020, 1, 14), date(2020, 2, 11))]
    # 00:00 in Berlin in winter is 23:00 UTC the day before.
    assert at(phases, utc(2020, 1, 13, 22, 59, 59)).current is None
    assert at(phases, utc(2020, 1, 13, 23, 0, 0)).current == phases[0]
    assert states(at(phases, utc(2020, 1, 13, 23))) == {"a": PhaseState.CURRENT}


@pytest.mark.parametrize(
    ("last_day", "last_second_utc", "end_utc"),
    [
        # The night into 29 March 2020 is still winter time: the 28th ends at 23:00 UTC.
        (date(2020, 3, 28), utc(2020, 3, 28, 22, 59, 59), utc(2020, 3, 28, 23)),
        # 29 March has 23 hours; it ends at midnight summer time, 22:00 UTC.
        (date(2020, 3, 29), utc(2020, 3, 29, 21, 59, 59), utc(2020, 3, 29, 22)),
        # 24 October is still summer time: it ends at 22:00 UTC.
        (date(2020, 10, 24), utc(2020, 10, 24, 21, 59, 59), utc(2020, 10, 24, 22)),
        # 25 October has 25 hours; it ends at midnight winter time, 23:00 UTC.
        (date(2020, 10, 25), utc(2020, 10, 25, 22, 59, 59), utc(2020, 10, 25, 23)),
    ],
)
def test_a_phase_runs_until_the_end_of_its_last_day_across_daylight_saving_changes(
    last_day, last_second_utc, end_utc
):
    phases = [phase("a", date(2020, 3, 1), last_day)]
    assert at(phases, last_second_utc).current == phases[0]
    assert last_second_utc.astimezone(BERLIN).strftime("%d %H:%M:%S") == (
        f"{last_day.day:02d} 23:59:59"
    )
    ended = at(phases, end_utc)
    assert ended.current is None
    assert states(ended) == {"a": PhaseState.DONE}
    assert end_utc.astimezone(BERLIN).strftime("%H:%M:%S") == "00:00:00"


def test_the_moment_may_be_given_in_local_time_even_in_the_repeated_october_hour():
    # 02:30 happens twice on 25 October 2020; a phase that starts at the first 02:30 (a time
    # without an offset in the file) has started at the second one, and not 1 second before
    # the first.
    phases = [phase("a", datetime(2020, 10, 25, 2, 30))]
    first = datetime(2020, 10, 25, 2, 30, fold=0, tzinfo=BERLIN)
    second = datetime(2020, 10, 25, 2, 30, fold=1, tzinfo=BERLIN)
    assert at(phases, second).current == phases[0]
    assert at(phases, first).current == phases[0]
    assert at(phases, utc(2020, 10, 25, 0, 29, 59)).current is None
    assert moment(phases[0].starts, BERLIN) == first


def test_a_phase_without_an_end_runs_until_the_next_one_starts():
    phases = [phase("a", date(2020, 3, 1)), phase("b", date(2020, 3, 10))]
    before = at(phases, utc(2020, 3, 9, 22, 59, 59))
    assert before.current == phases[0]
    assert states(before) == {"a": PhaseState.CURRENT, "b": PhaseState.COMING}
    after = at(phases, utc(2020, 3, 9, 23))
    assert after.current == phases[1]
    assert states(after) == {"a": PhaseState.DONE, "b": PhaseState.CURRENT}
    assert at(phases, utc(2099, 1, 1)).current == phases[1]  # the last one runs on


def test_between_phases_none_is_current_and_the_next_step_is_named():
    phases = [phase("a", date(2020, 2, 12), date(2020, 3, 15)), phase("b", date(2020, 4, 1))]
    gap = at(phases, utc(2020, 3, 20, 12))
    assert gap.current is None
    assert gap.next == phases[1]
    assert states(gap) == {"a": PhaseState.DONE, "b": PhaseState.COMING}


def test_before_the_first_phase_everything_is_coming_and_after_the_last_everything_is_done():
    phases = [
        phase("a", date(2020, 1, 1), date(2020, 1, 31)),
        phase("b", date(2020, 2, 1), date(2020, 2, 29)),
    ]
    early = at(phases, utc(2019, 6, 1))
    assert (early.current, early.next) == (None, phases[0])
    assert set(states(early).values()) == {PhaseState.COMING}
    late = at(phases, utc(2020, 6, 1))
    assert (late.current, late.next) == (None, None)
    assert set(states(late).values()) == {PhaseState.DONE}


def test_overlapping_phases_both_run_and_the_later_one_is_where_the_procedure_stands():
    phases = [
        phase("a", date(2020, 3, 1), date(2020, 3, 31)),
        phase("b", date(2020, 3, 15), date(2020, 4, 15)),
    ]
    line = at(phases, utc(2020, 3, 20))
    assert states(line) == {"a": PhaseState.CURRENT, "b": PhaseState.CURRENT}
    assert line.current == phases[1]


def test_a_postponed_phase_never_runs_and_the_one_before_it_runs_on():
    phases = [
        phase("merge", date(2020, 2, 12)),
        phase("measures", date(2020, 4, 1), date(2020, 5, 31)),
        phase("council", date(2021, 3, 25)),
    ]
    postponed = {"measures": "pandemic"}
    line = at(phases, utc(2020, 4, 15), postponed=postponed)
    assert line.current == phases[0]
    assert line.phases[1].state is PhaseState.POSTPONED
    assert line.phases[1].reason == "pandemic"
    later = at(phases, utc(2021, 3, 24, 23), postponed=postponed)
    assert later.current == phases[2]
    assert states(later)["merge"] is PhaseState.DONE


def test_a_gap_before_a_postponed_phase_names_the_next_phase_that_will_happen():
    phases = [
        phase("merge", date(2020, 2, 12), date(2020, 3, 15)),
        phase("measures", date(2020, 4, 1), date(2020, 5, 31)),
        phase("council", date(2021, 3, 25)),
    ]
    line = at(phases, utc(2020, 3, 20), postponed={"measures": "pandemic"})
    assert (line.current, line.next) == (None, phases[2])


def test_staff_choice_wins_over_the_dates_until_taken_back():
    phases = [
        phase("a", date(2020, 1, 1)),
        phase("b", date(2020, 2, 1)),
        phase("c", date(2020, 3, 1)),
    ]
    line = at(phases, utc(2020, 3, 15), current="b")
    assert line.explicit and line.current == phases[1]
    assert states(line) == {"a": PhaseState.DONE, "b": PhaseState.CURRENT, "c": PhaseState.COMING}
    assert at(phases, utc(2020, 3, 15)).current == phases[2]


def test_staff_choice_of_a_postponed_phase_means_it_happens_after_all():
    phases = [phase("a", date(2020, 1, 1)), phase("b", date(2020, 2, 1))]
    line = at(phases, utc(2020, 1, 15), current="b", postponed={"b": "later"})
    assert states(line) == {"a": PhaseState.DONE, "b": PhaseState.CURRENT}


def test_ids_the_procedure_file_no_longer_has_are_ignored():
    phases = [phase("a", date(2020, 1, 1))]
    line = at(phases, utc(2020, 1, 15), current="gone", postponed={"gone": "x"})
    assert not line.explicit and line.current == phases[0]


def test_the_days_shown_are_the_days_written_in_the_file():
    assert days(phase("a", date(2020, 3, 1), date(2020, 3, 29)), BERLIN) == (
        date(2020, 3, 1),
        date(2020, 3, 29),
    )
    aware = datetime(2020, 3, 28, 23, 30, tzinfo=UTC)  # already the 29th in Berlin
    assert days(phase("a", aware), BERLIN) == (date(2020, 3, 29), None)


def test_the_example_procedure_in_spring_2020_waits_for_the_council_not_the_cancelled_workshops(
    example,
):
    meeting = timeline(example.phases, example.timezone, Overrides(), utc(2020, 3, 15, 12))
    assert meeting.current is not None and meeting.current.id == "akmigration"
    line = timeline(example.phases, example.timezone, Overrides(), utc(2020, 4, 20, 12))
    assert line.current is None
    assert line.next is not None and line.next.id == "council"
    assert {e.phase.id: e.state for e in line.phases}["measures"] is PhaseState.CANCELLED
    now = timeline(example.phases, example.timezone, Overrides(), datetime.now(UTC))
    assert now.current is not None and now.current.id == "council"


def test_a_phase_cancelled_in_the_file_never_runs_and_keeps_its_reason_per_language():
    cancelled = Phase(
        "measures",
        date(2020, 4, 1),
        date(2020, 5, 31),
        Text(de="m"),
        Text(de="about m"),
        cancelled=Text(de="Pandemie", en="Pandemic"),
    )
    phases = [phase("merge", date(2020, 2, 12)), cancelled, phase("council", date(2021, 3, 25))]
    line = at(phases, utc(2020, 4, 15))
    assert states(line)["measures"] is PhaseState.CANCELLED
    assert line.current == phases[0]  # the phase before runs on, as around a postponed one
    stored = line.phases[1].reason
    assert reason_in(stored, "en", "de") == "Pandemic"
    assert reason_in(stored, "tr", "de") == "Pandemie"
    # Long after its dates it is still cancelled, never done.
    assert states(at(phases, utc(2022, 1, 1)))["measures"] is PhaseState.CANCELLED


def test_staff_cancelled_wins_over_postponed_and_a_current_phase_set_by_staff_is_not_cancelled():
    phases = [phase("a", date(2020, 1, 1)), phase("b", date(2020, 2, 1))]
    line = at(phases, utc(2020, 2, 15), postponed={"b": "later"}, cancelled={"b": "off"})
    assert states(line)["b"] is PhaseState.CANCELLED and line.phases[1].reason == "off"
    line = at(phases, utc(2020, 1, 15), current="b", cancelled={"b": "off"})
    assert states(line) == {"a": PhaseState.DONE, "b": PhaseState.CURRENT}


def test_a_reason_in_one_language_is_stored_as_plain_text():
    assert reasons({"de": "Pandemie"}) == "Pandemie"
    assert reason_in("Pandemie", "en", "de") == "Pandemie"
    assert reason_in("{not json", "en", "de") == "{not json"
