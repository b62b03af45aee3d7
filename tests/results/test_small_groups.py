"""Small groups: no figure of 1 to min_group - 1 voters is shown, and none can be worked out
from the shown ones and their total."""

from hypothesis import given
from hypothesis import strategies as st

from bot.results.outcome import suppressed


def test_one_small_group_takes_the_next_smallest_with_it():
    # 21 participants: de 12, ar 6, uk 3. Hiding uk alone gives 21 - 12 - 6 = 3 away.
    assert suppressed({"de": 12, "ar": 6, "uk": 3}, 5) == {"ar", "uk"}


def test_two_small_groups_that_add_up_to_the_threshold_are_enough():
    assert suppressed({"de": 12, "fa": 2, "uk": 3}, 5) == {"fa", "uk"}


def test_small_groups_that_add_up_to_less_take_more_with_them():
    assert suppressed({"de": 12, "ar": 7, "fa": 1, "uk": 2}, 5) == {"ar", "fa", "uk"}


def test_nothing_is_hidden_when_no_group_is_small_and_zero_is_shown():
    assert suppressed({"de": 12, "ar": 5, "uk": 0}, 5) == frozenset()
    assert suppressed({"de": 3}, 1) == frozenset()


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 40)), st.integers(1, 10))
def test_no_small_count_is_shown_and_the_hidden_ones_cannot_be_told_apart(counts, min_group):
    hidden = suppressed(counts, min_group)
    shown = {key: count for key, count in counts.items() if key not in hidden}
    assert all(count == 0 or count >= min_group for count in shown.values())
    if hidden:
        everything_positive = {k for k, n in counts.items() if n > 0}
        hidden_total = sum(counts[k] for k in hidden)
        assert (len(hidden) >= 2 and hidden_total >= min_group) or hidden == everything_positive
