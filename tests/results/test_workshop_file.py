"""The workshop results file: field;goal;points, as staff save it from Excel."""

import pytest

from bot.procedure import load_procedure
from bot.resources import example_procedure
from bot.results.workshop_file import WorkshopFileError, WorkshopRow, read_workshop_file

EXAMPLE = load_procedure(example_procedure())
BOM = b"\xef\xbb\xbf"

GOOD = [
    WorkshopRow("language-education", "1", 14),
    WorkshopRow("language-education", "2", 9),
    WorkshopRow("housing", "5", 0),
    WorkshopRow("health", "3", 21),
]


def lines(separator: str, header: bool = False, end: str = "\n") -> str:
    body = [separator.join((r.field_id, r.goal_id, str(r.points))) for r in GOOD]
    if header:
        body.insert(0, separator.join(("field", "goal", "points")))
    return end.join(body) + end


def problems(data: bytes) -> list[str]:
    with pytest.raises(WorkshopFileError) as raised:
        read_workshop_file(data, EXAMPLE)
    assert str(raised.value) == "\n".join(raised.value.problems)
    return raised.value.problems


@pytest.mark.parametrize("separator", [";", ","])
@pytest.mark.parametrize("header", [False, True])
@pytest.mark.parametrize("bom", [b"", BOM])
@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_a_good_file_is_read_whatever_its_separator_header_bom_and_line_ends(
    separator, header, bom, end
):
    data = bom + lines(separator, header, end).encode("utf-8")
    assert read_workshop_file(data, EXAMPLE) == GOOD


def test_a_file_as_german_excel_saves_it_in_windows_1252():
    # CRLF, ";", a capitalised header, spaces around cells, a blank line and a line of only
    # separators (Excel writes one for an empty row)
    text = "Field;Goal;Points\r\n language-education ; 1 ; 14 \r\n\r\n;;\r\n"
    text += "language-education;2;9\r\nhousing;5;0\r\nhealth;3;21\r\n"
    data = text.encode("cp1252")
    assert read_workshop_file(data, EXAMPLE) == GOOD


def test_a_windows_1252_file_is_decoded_as_windows_1252():
    # "ü" and "–" are single cp1252 bytes that are no UTF-8: the reasons quote them as written
    data = "housing;1;3\r\nBildung für alle;1;2\r\nhousing;2;–\r\n".encode("cp1252")
    assert problems(data) == [
        "line 2: unknown action field 'Bildung für alle'",
        "line 3: the points '–' are not a whole number",
    ]


def test_utf8_with_a_byte_order_mark_and_a_header():
    data = BOM + b"field;goal;points\nhousing;1;7\n"
    assert read_workshop_file(data, EXAMPLE) == [WorkshopRow("housing", "1", 7)]


def test_blank_lines_are_skipped_and_lines_keep_their_numbers():
    data = b"\n\nhousing;1;3\n\n   \nhousing;7;2\n\n"
    assert problems(data) == ["line 6: the action field 'housing' has no sub-goal '7'"]
    assert read_workshop_file(b"\n\nhousing;1;3\n\n\n", EXAMPLE) == [WorkshopRow("housing", "1", 3)]


def test_the_header_is_only_recognised_as_the_first_line():
    assert problems(b"housing;1;3\nfield;goal;points\n") == ["line 2: unknown action field 'field'"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("housing-and-living;1;3", "unknown action field 'housing-and-living'"),
        ("Housing;1;3", "unknown action field 'Housing'"),
        ("housing;6;3", "the action field 'housing' has no sub-goal '6'"),
        ("housing;1.1;3", "the action field 'housing' has no sub-goal '1.1'"),
        ("housing;1;-3", "the points are negative"),
        ("housing;1;- 3", "the points are negative"),
        ("housing;1;1,5", "the points '1,5' are not a whole number"),
        ("housing;1;1.5", "the points '1.5' are not a whole number"),
        ("housing;1;drei", "the points 'drei' are not a whole number"),
        ("housing;1;", "the points '' are not a whole number"),
        ("housing;1;+3", "the points '+3' are not a whole number"),
        ("housing;1;3;", "expected 3 columns (field, goal, points), found 4"),
        ("housing;1", "expected 3 columns (field, goal, points), found 2"),
        ("housing", "expected 3 columns (field, goal, points), found 1"),
        ("housing;1;3;Notiz", "expected 3 columns (field, goal, points), found 4"),
    ],
)
def test_a_bad_line_is_reported_with_its_number_and_reason(line, reason):
    data = f"field;goal;points\nhealth;1;4\n{line}\nhealth;2;1\n".encode()
    assert problems(data) == [f"line 3: {reason}"]


@pytest.mark.parametrize("points", ["²", "3²", "¹⁰"])
def test_digits_that_are_no_whole_number_are_reported_too(points):
    # str.isdigit() says yes to superscripts, int() says no: still a reason, not a crash
    data = f"health;1;4\nhousing;1;{points}\n".encode()
    assert problems(data) == [f"line 2: the points {points!r} are not a whole number"]


def test_points_too_large_to_store_are_reported_not_passed_on():
    # a slip on the keyboard: more than SQLite's 64-bit INTEGER holds
    data = b"health;1;4\nhousing;1;99999999999999999999\n"
    try:
        rows = read_workshop_file(data, EXAMPLE)
    except WorkshopFileError as refused:
        assert len(refused.problems) == 1
        assert refused.problems[0].startswith("line 2: ")
    else:
        assert all(row.points < 2**63 for row in rows), rows


def test_a_sub_goal_twice_is_reported_with_both_lines():
    data = b"housing;1;3\nhealth;1;1\nhousing;1;3\n"
    assert problems(data) == ["line 3: sub-goal housing 1 again (first on line 1)"]


def test_a_comma_separated_file_reports_decimal_points_as_extra_columns():
    data = b"field,goal,points\nhousing,1,1,5\n"
    assert problems(data) == ["line 2: expected 3 columns (field, goal, points), found 4"]


def test_every_bad_line_is_reported_and_nothing_is_returned():
    data = (
        b"field;goal;points\n"
        b"housing;1;3\n"
        b"housng;1;3\n"  # 3
        b"housing;9;3\n"  # 4
        b"\n"
        b"housing;2;-1\n"  # 6
        b"housing;3;1,5\n"  # 7
        b"housing;1;4\n"  # 8
        b"housing;4\n"  # 9
        b"health;1;2\n"
    )
    assert problems(data) == [
        "line 3: unknown action field 'housng'",
        "line 4: the action field 'housing' has no sub-goal '9'",
        "line 6: the points are negative",
        "line 7: the points '1,5' are not a whole number",
        "line 8: sub-goal housing 1 again (first on line 2)",
        "line 9: expected 3 columns (field, goal, points), found 2",
    ]


@pytest.mark.parametrize(
    "data",
    [b"", BOM, b"\n\n", b"\r\n  \r\n", b"field;goal;points\n", BOM + b"field,goal,points\r\n"],
)
def test_a_file_without_points_is_refused(data):
    assert problems(data) == ["the file has no lines with points"]


def test_old_mac_excel_line_ends_are_read_or_reported_never_a_crash():
    # Excel for Mac ("CSV (Macintosh)") ends lines with a lone CR
    data = b"housing;1;3\rhealth;2;5\r"
    try:
        rows = read_workshop_file(data, EXAMPLE)
    except WorkshopFileError as refused:
        assert refused.problems  # a reason staff can act on
    else:
        assert rows == [WorkshopRow("housing", "1", 3), WorkshopRow("health", "2", 5)]


def test_line_numbers_are_the_lines_of_the_file_even_after_a_quoted_line_break():
    # a cell Excel quoted because it holds a line break: the bad line after it is line 4
    data = b'health;2;5\n"housing\n";1;3\nhealth;9;1\n'
    assert problems(data) == ["line 4: the action field 'health' has no sub-goal '9'"]
