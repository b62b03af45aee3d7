"""`participation-bot check` and the procedure reader: one line per problem, naming the key."""

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.chat.text import MAX_MESSAGE, visible_length
from bot.i18n import Catalogs
from bot.languages import is_rtl
from bot.procedure import ProcedureError, Text, coverage, load_procedure
from bot.procedure.reader import GREETING_RESERVE, MAX_TITLE
from bot.resources import locales_dir
from bot.welcome.home import greeting
from tests.conftest import DATA, TEST_SECRET

MINI = (DATA / "mini.toml").read_text(encoding="utf-8")
DOCS = Path(__file__).parent.parent.parent / "docs" / "procedure-format.md"
COUNCIL = """
[[phases]]
id = "council"
starts = 2027-09-01
title.de = "Beschluss des Stadtrats"
description.de = "Der Stadtrat entscheidet über das Konzept."

[[fields]]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "procedure.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ProcedureError) as caught:
        load_procedure(write(tmp_path, text))
    return caught.value.problems


def test_the_documented_minimal_file_is_valid():
    procedure = load_procedure(DATA / "mini.toml")
    assert procedure.languages == ("de", "en")
    assert [f.id for f in procedure.fields] == ["language"]
    assert procedure.voting.method == "top_n" and procedure.voting.top_n == 2
    assert procedure.voting.opens.tzinfo is not None
    assert procedure.voting.opens < procedure.voting.closes
    privacy = procedure.privacy
    assert privacy.retention_until == date(2027, 6, 30)
    assert set(privacy.officer) == set(privacy.authority) == set(privacy.retention) == {"de", "en"}


def test_the_minimal_file_in_the_docs_is_the_tested_one():
    documented = DOCS.read_text(encoding="utf-8").split("## A minimal file", 1)[1]
    assert documented.split("```toml\n", 1)[1].split("```", 1)[0] == MINI


def test_the_shipped_example_is_valid_and_complete_in_all_eight_languages(example):
    assert example.example is True
    assert example.languages == ("de", "en", "tr", "ar", "ru", "uk", "fa", "pl")
    assert len(example.fields) == 7
    assert all(4 <= len(field.goals) <= 6 for field in example.fields)
    assert [p.id for p in example.phases] == [
        "workshops",
        "online",
        "merge",
        "akmigration",
        "measures",
        "council",
    ]
    # The true sequence: the measure workshops were cancelled (for the time being), not done.
    cancelled = {p.id: p.cancelled for p in example.phases if p.cancelled is not None}
    assert list(cancelled) == ["measures"]
    assert set(cancelled["measures"]) == set(example.languages)
    starts = {p.id: p.starts for p in example.phases}
    assert starts["akmigration"] == date(2020, 3, 15) and starts["council"] == date(2021, 3, 25)
    assert example.privacy.retention_until >= max(starts.values())
    for row in coverage(example.source):
        assert row.missing == (), f"{row.language} misses {row.missing}"
    privacy = example.privacy
    assert privacy.retention_until == date(2021, 6, 30)
    for text in (privacy.officer, privacy.authority, privacy.retention):
        assert set(text) == set(example.languages)
    assert all("Kiel" in privacy.authority[lang] for lang in example.languages)
    # the reason only: the one date is retention_until
    assert not any(ch.isdigit() or ch in "۰۱۲۳۴۵۶۷۸۹" for ch in "".join(privacy.retention.values()))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # missing default-language text
        (('title.de = "Sprache und Bildung"\n', ""), "fields[language].title.de: missing text"),
        # duplicate ids
        (('id = "schools"', 'id = "courses"'), "fields[language].goals: duplicate id 'courses'"),
        # ids that are not [a-z0-9-.]
        (('id = "language"', 'id = "Sprache_1"'), "fields[0].id: 'Sprache_1' is not a valid id"),
        # unknown voting method
        (('method = "top_n"', 'method = "approval"'), "voting.method: unknown voting method"),
        # closing before opening
        (
            ("closes = 2027-03-31T23:59:00", "closes = 2027-02-01T00:00:00"),
            "voting.closes: closing",
        ),
        # a language listed but unsupported
        (('languages = ["de", "en"]', 'languages = ["de", "en", "fr"]'), "'fr' is not supported"),
        # a typo in a key
        (('contact = "', 'kontakt = "'), "privacy.kontakt: unknown key"),
        # a translation for a language that is not offered
        (('title.en = "Language and education"', 'title.tr = "Dil"'), "'tr' is not listed"),
        # default language not offered
        (('default_language = "de"', 'default_language = "pl"'), "'pl' is not in languages"),
        # unknown timezone
        (('"Europe/Berlin"', '"Europe/Luebeck"'), "procedure.timezone: unknown timezone"),
    ],
)
def test_each_problem_class_is_one_line_naming_the_key(tmp_path, change, expected):
    old, new = change
    assert old in MINI
    problems = problems_of(tmp_path, MINI.replace(old, new, 1))
    assert any(expected in line for line in problems), problems
    assert all("\n" not in line for line in problems)


def test_toml_syntax_errors_give_the_line_number(tmp_path):
    broken = MINI.replace('id = "courses"', 'id = "courses', 1)
    (line,) = problems_of(tmp_path, broken)
    number = broken.splitlines().index('id = "courses') + 1
    assert line.startswith("TOML syntax error") and f"line {number}" in line


def test_all_problems_are_reported_at_once(tmp_path):
    broken = MINI.replace('method = "top_n"', 'method = "x"').replace(
        'id = "schools"', 'id = "courses"'
    )
    assert len(problems_of(tmp_path, broken)) == 2


def test_check_command_prints_coverage_and_exits_zero(capsys):
    assert main(["check", str(DATA / "mini.toml")]) == 0
    out = capsys.readouterr().out
    assert "valid" in out
    assert "de" in out and "en" in out and "/" in out


def test_check_command_reports_gaps_in_a_language(tmp_path, capsys):
    path = write(
        tmp_path, MINI.replace('text.en = "Schools work more closely with parents."\n', "")
    )
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    en_line = next(line for line in out.splitlines() if line.startswith("en "))
    assert "fields[language].goals[schools].text" in en_line


def test_check_command_exits_non_zero_with_one_line_per_problem(tmp_path, capsys):
    path = write(tmp_path, MINI.replace('method = "top_n"', 'method = "x"'))
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}: voting.method: unknown voting method 'x'" in out


@pytest.mark.parametrize("command", ["run", "demo"])
def test_run_and_demo_refuse_an_invalid_file_with_the_same_messages(tmp_path, capsys, command):
    path = write(tmp_path, MINI.replace('method = "top_n"', 'method = "x"'))
    args = [command, "--procedure", str(path), "--database", str(tmp_path / "x.db")]
    if command == "run":
        args += ["--token", "123:abc", "--secret", TEST_SECRET]
    assert main(args) == 2
    assert "voting.method: unknown voting method 'x'" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()


def test_results_section_defaults_and_every_kind_of_publication(tmp_path):
    plain = load_procedure(DATA / "mini.toml").results
    assert (plain.public, plain.min_group, dict(plain.weights)) == (
        "after_close", 5, {"online": 1.0, "workshop": 1.0}
    )  # fmt: skip
    for public, expected in (('"never"', "never"), ('"live"', "live"), ("2020-03-01", "from")):
        text = (
            MINI + f"\n[results]\npublic = {public}\nmin_group = 3\nweights = {{ workshop = 2 }}\n"
        )
        results = load_procedure(write(tmp_path, text)).results
        assert results.public == expected and results.min_group == 3
        assert dict(results.weights) == {"online": 1.0, "workshop": 2.0}
    dated = load_procedure(write(tmp_path, MINI + "\n[results]\npublic = 2020-03-01\n")).results
    assert dated.public_from is not None and dated.public_from.tzinfo is not None
    older = MINI.replace("[voting]\n", "[voting]\nresults_public = true\n")
    assert load_procedure(write(tmp_path, older)).results.public == "live"


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ('public = "sometimes"', "results.public: expected never, after_close, live or a date"),
        ("min_group = 0", "results.min_group: expected a whole number from 1 to 100"),
        ("min_group = true", "results.min_group: expected a whole number from 1 to 100"),
        ("weights = { online = -1 }", "results.weights.online: expected a number of 0 or more"),
        ("weights = { survey = 1 }", "results.weights.survey: unknown source"),
        ("weights = { online = 0, workshop = 0 }", "results.weights: at least one weight"),
        ("colour = 1", "results.colour: unknown key"),
    ],
)
def test_a_wrong_results_section_is_one_line_naming_the_key(tmp_path, section, expected):
    found = problems_of(tmp_path, MINI + f"\n[results]\n{section}\n")
    assert any(p.startswith(expected) for p in found), found


def without(text: str, key: str) -> str:
    """The file without every line that sets `key` (all its translations)."""
    lines = text.splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith((f"{key}.", f"{key} ="))]
    assert len(kept) < len(lines), key
    return "".join(kept)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("officer", "privacy.officer.de: missing text in the default language"),
        ("authority", "privacy.authority.de: missing text in the default language"),
        ("retention", "privacy.retention.de: missing text in the default language"),
        ("retention_until", "privacy.retention_until: missing"),
    ],
)
def test_each_missing_privacy_key_is_one_line_naming_it(tmp_path, key, expected):
    assert problems_of(tmp_path, without(MINI, key)) == [expected]


@pytest.mark.parametrize("value", ['"2027-06-30"', '"30.06.2027"', "20270630", "12:00:00", "true"])
def test_retention_until_must_be_a_date(tmp_path, value):
    text = MINI.replace("retention_until = 2027-06-30", f"retention_until = {value}")
    assert problems_of(tmp_path, text) == [
        "privacy.retention_until: expected a date like 2021-06-30"
    ]


@pytest.mark.parametrize(
    ("closes", "until"),
    [
        ("2027-03-31T23:59:00", "2027-03-15"),  # before the close
        ("2027-03-31T23:59:00", "2027-03-31"),  # the closing day itself
        ("2027-03-31", "2027-03-31"),  # closes = a date: voting runs to the end of that day
        ("2027-03-31T23:30:00+00:00", "2027-04-01"),  # 01:30 on 1 April in Berlin
    ],
)
def test_retention_until_on_or_before_the_closing_day_is_refused(tmp_path, closes, until):
    text = MINI.replace("closes = 2027-03-31T23:59:00", f"closes = {closes}").replace(
        "retention_until = 2027-06-30", f"retention_until = {until}"
    )
    (line,) = problems_of(tmp_path, text)
    assert line.startswith(f"privacy.retention_until: {until} is not after the day voting closes")


@pytest.mark.parametrize(
    ("closes", "until"),
    [("2027-03-31T23:59:00", "2027-04-01"), ("2027-03-31", "2027-04-01")],
)
def test_retention_until_the_day_after_the_close_is_accepted(tmp_path, closes, until):
    text = MINI.replace("closes = 2027-03-31T23:59:00", f"closes = {closes}").replace(
        "retention_until = 2027-06-30", f"retention_until = {until}"
    )
    assert load_procedure(write(tmp_path, text)).privacy.retention_until == date.fromisoformat(
        until
    )


def test_retention_until_before_the_last_phase_starts_is_refused(tmp_path):
    text = MINI.replace("\n[[fields]]\n", COUNCIL, 1)
    (line,) = problems_of(tmp_path, text)
    assert line == (
        "privacy.retention_until: 2027-06-30 is before the last phase 'council' starts "
        "(2027-09-01); the link must be kept at least until the last step of the timeline "
        "has begun"
    )
    on_the_day = text.replace("retention_until = 2027-06-30", "retention_until = 2027-09-01")
    assert load_procedure(write(tmp_path, on_the_day)).privacy.retention_until == date(2027, 9, 1)
    later_start = text.replace("starts = 2027-09-01", "starts = 2027-09-01T18:00:00")
    assert "(2027-09-01)" in problems_of(tmp_path, later_start)[0]


def test_both_retention_problems_are_reported_at_once(tmp_path):
    text = MINI.replace("\n[[fields]]\n", COUNCIL, 1).replace(
        "retention_until = 2027-06-30", "retention_until = 2027-03-01"
    )
    found = problems_of(tmp_path, text)
    assert len(found) == 2 and all(p.startswith("privacy.retention_until: ") for p in found)


@pytest.mark.parametrize(
    "value", ["2027-06-30T00:00:00", "2027-06-30T23:59:59", "2027-06-30T23:00:00-05:00"]
)
def test_retention_until_may_be_a_date_and_time(tmp_path, value):
    text = MINI.replace("retention_until = 2027-06-30", f"retention_until = {value}")
    assert load_procedure(write(tmp_path, text)).privacy.retention_until == date(2027, 6, 30)


def test_the_new_privacy_texts_count_in_the_coverage_table(tmp_path):
    text = MINI.replace(
        'officer.en = "Data protection officer of the City of Musterstadt, '
        'datenschutz@my-city.example"\n',
        "",
    )
    (de, en) = coverage(write(tmp_path, text))
    assert de.missing == () and de.translated == de.total
    assert en.missing == ("privacy.officer",) and en.translated == en.total - 1


# --- what the checker used to let through, and the bot then failed on -------------------------


def test_a_file_with_a_byte_order_mark_is_read(tmp_path, capsys):
    path = tmp_path / "procedure.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINI.encode("utf-8"))  # as Windows Notepad saves it
    assert load_procedure(path).id == "my-city-2027"
    assert main(["check", str(path)]) == 0
    assert "valid" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("closes = 2027-03-31T23:59:00", "closes = 9999-12-31", "voting.closes"),
        ("closes = 2027-03-31T23:59:00", "closes = 9999-12-31T23:59:00-05:00", "voting.closes"),
        ("opens = 2027-03-01T00:00:00", "opens = 0001-01-01", "voting.opens"),
        ("ends = 2027-03-31", "ends = 9999-12-31", "phases[online].ends"),
        ("starts = 2027-03-01", "starts = 9999-12-31", "phases[online].starts"),
        ("retention_until = 2027-06-30", "retention_until = 9999-12-31",
         "privacy.retention_until"),
    ],
)  # fmt: skip
def test_a_date_out_of_range_is_one_line_naming_the_key(tmp_path, capsys, old, new, key):
    text = MINI.replace(old, new, 1)
    found = problems_of(tmp_path, text)
    assert any(p.startswith(f"{key}: ") and "between" in p for p in found), found
    assert main(["check", str(write(tmp_path, text))]) == 1
    assert f"{key}: " in capsys.readouterr().out


def test_a_results_date_out_of_range_is_one_line_naming_the_key(tmp_path):
    found = problems_of(tmp_path, MINI + "\n[results]\npublic = 9999-12-31\n")
    assert any(p.startswith("results.public: ") and "between" in p for p in found), found


def test_top_n_more_than_the_sub_goals_of_a_field_is_refused_with_a_fix(tmp_path, capsys):
    text = MINI.replace("top_n = 2", "top_n = 3")
    (line,) = problems_of(tmp_path, text)
    assert line.startswith("voting.top_n: 3 is more than the 2 sub-goals of fields[language]")
    assert "at most 2" in line
    assert main(["check", str(write(tmp_path, text))]) == 1
    # The default N (3) counts too; the points method has no such limit.
    assert problems_of(tmp_path, MINI.replace("top_n = 2\n", ""))[0].startswith(
        "voting.top_n: 3 (the default) is more than"
    )
    points = MINI.replace('method = "top_n"', 'method = "points"').replace("top_n = 2", "top_n = 5")
    assert load_procedure(write(tmp_path, points)).voting.method == "points"


def _longest(cost: int, rtl: bool) -> str:
    """A text that costs `cost` UTF-16 units in a greeting, in the way that costs the most:
    for a right-to-left language short lines that each get a right-to-left mark."""
    if not rtl:
        return "&" * cost  # escaped to &amp; in the HTML, one character on the screen
    lines = cost // 3  # "1", a line break and the mark; the last line has no break
    return "\n".join(["1"] * lines) + "x" * (cost - 3 * lines + 1)


def test_the_longest_greeting_the_reader_allows_fits_one_message_in_every_language(example):
    """The reader keeps GREETING_RESERVE for the bot's own words around the title and the
    description; this checks that reserve against every catalog as it is now."""
    catalogs = Catalogs.load(locales_dir(), example.languages, example.timezone)
    room = MAX_MESSAGE - GREETING_RESERVE
    for language in example.languages:
        rtl = is_rtl(language)
        title = "T" * MAX_TITLE
        description = _longest(room - MAX_TITLE - rtl, rtl)
        procedure = dataclasses.replace(
            example,
            example=True,
            title=Text({example.default_language: title, language: title}),
            description=Text({example.default_language: description, language: description}),
        )
        t = catalogs.translator(language)
        shown = t.bidi(greeting(t, procedure, []).text)
        assert visible_length(shown) <= MAX_MESSAGE, language


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_description_too_long_for_the_greeting_is_refused_with_its_length(tmp_path, language):
    title = "Integration concept 2027"
    fits = _longest(MAX_MESSAGE - GREETING_RESERVE - len(title) - is_rtl(language),
                    is_rtl(language))  # fmt: skip
    english = (
        'description.en = "The city is rewriting its integration concept. Tell us what '
        'matters to you."'
    )
    if language == "en":
        text = MINI.replace(english, f'description.en = """{fits}"""')
    else:
        text = (
            MINI.replace('languages = ["de", "en"]', f'languages = ["de", "en", "{language}"]')
            .replace(f'title.en = "{title}"', f'title.en = "{title}"\ntitle.{language} = "{title}"')
            .replace(english, f'{english}\ndescription.{language} = """{fits}"""')
        )
    assert load_procedure(write(tmp_path, text)).description[language] == fits
    (line,) = problems_of(tmp_path, text.replace(f'"""{fits}"""', f'"""{fits}x"""'))
    assert line.startswith(f"procedure.description.{language}: ")
    assert str(MAX_MESSAGE) in line and "shorten" in line


def test_a_title_too_long_is_refused(tmp_path):
    text = MINI.replace('title.en = "Integration concept 2027"', f'title.en = "{"T" * 201}"')
    (line,) = problems_of(tmp_path, text)
    assert line.startswith("procedure.title.en: ") and str(MAX_TITLE) in line


def test_a_phase_may_be_marked_cancelled_with_a_reason_per_language(tmp_path):
    text = MINI.replace(
        'description.en = "Everyone can set their priorities online."',
        'description.en = "Everyone can set their priorities online."\n'
        'cancelled.de = "Wegen der Pandemie abgesagt."\n'
        'cancelled.en = "Cancelled because of the pandemic."',
        1,
    )
    phase = load_procedure(write(tmp_path, text)).phases[0]
    assert phase.cancelled == {
        "de": "Wegen der Pandemie abgesagt.",
        "en": "Cancelled because of the pandemic.",
    }
    assert load_procedure(write(tmp_path, MINI)).phases[0].cancelled is None
    wrong = text.replace('cancelled.de = "Wegen der Pandemie abgesagt."\n', "")
    assert problems_of(tmp_path, wrong) == [
        "phases[online].cancelled.de: missing text in the default language"
    ]


def test_a_sub_goal_may_have_a_short_label_of_at_most_30_characters(tmp_path):
    text = MINI.replace(
        'text.en = "More German courses with childcare."',
        'text.en = "More German courses with childcare."\n'
        'short.de = "Deutschkurse"\nshort.en = "German courses"',
        1,
    )
    goal = load_procedure(write(tmp_path, text)).fields[0].goals[0]
    assert goal.short == {"de": "Deutschkurse", "en": "German courses"}
    assert load_procedure(write(tmp_path, MINI)).fields[0].goals[0].short is None
    long = text.replace('short.en = "German courses"', 'short.en = "' + "x" * 31 + '"')
    problems = problems_of(tmp_path, long)
    assert len(problems) == 1
    assert problems[0].endswith("goals[courses].short.en: at most 30 characters, this one has 31")
