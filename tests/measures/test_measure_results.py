"""The costed priority list through the real bot: staff's list with both rules, the files
(CSV for Excel, JSON, Pabulib), the chart, the announcement as news; residents' public list as
`[measures] public` says; and `participation-bot results --round measures`.

The election (budget 100,000 €): six residents choose 1 (evening courses, 40,000) and 3
(housing guides, 55,000); four choose 2 (parents' café, 15,000) and 4 (a language café,
5,000). Greedy by votes funds 1, 3 and 4 (100,000): the six take almost everything. Equal
shares gives each resident 10,000: the six pay 1 (40,000) but cannot reach 3 with the
20,000 they have left; the four pay 4 and 2 (20,000). Funded: 1, 4, 2 = 60,000; 3 (55,000)
does not fit what is left. Four is below the small-group limit of five.
"""

import asyncio
import csv
import io
import json
import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pabutools.election.pabulib import parse_pabulib_from_string
from PIL import Image

from bot.__main__ import main
from bot.config import Settings
from bot.emulated import EmulatedBot
from bot.i18n import Catalogs
from bot.languages import SUPPORTED_LANGUAGES
from bot.measures import charts
from bot.measures.buttons import MeasureResults, MeasuresHome
from bot.measures.result_buttons import (
    Announce,
    AnnounceAnswer,
    MeasureChart,
    MeasureExport,
    MeasureResultsPage,
)
from bot.measures.result_screens import chart
from bot.measures.windows import change_measures_window
from bot.procedure import load_procedure
from bot.resources import locales_dir
from bot.results.charts import BAR
from storage import measures
from storage.measures import MeasureText, Seed
from tests.conftest import (
    RESIDENT,
    STAFF,
    add_subscribers,
    alerts,
    data,
    finished,
    last,
    rows,
)
from tests.measures.conftest import MEASURES_FILE, open_round


async def elect(bot: EmulatedBot) -> None:
    """A fourth measure, and the ten residents' selections (as the ballot stores them)."""
    db = bot.services.database
    await measures.seed(db, [Seed(
        "test:language-cafe", "language", "schools", 5000, "de",
        {"de": MeasureText("Sprachcafé", "Jeden Freitag."),
         "en": MeasureText("Language café", "Every Friday.")},
    )])  # fmt: skip
    for n in range(6):
        for measure_id in (1, 3):
            await measures.choose(db, f"six-{n}", measure_id, True, 100000)
    for n in range(4):
        for measure_id in (2, 4):
            await measures.choose(db, f"four-{n}", measure_id, True, 100000)


async def close_choosing(bot: EmulatedBot) -> None:
    now = datetime.now(UTC)
    await change_measures_window(
        bot.services.database, None, "voting", "test.close",
        opens=now - timedelta(days=2), closes=now - timedelta(minutes=1),
    )  # fmt: skip


async def open_list(bot: EmulatedBot, user: int, language: str) -> str:
    bot.fake.add_user(user, language_code=language)
    await bot.send(user, "/start")
    await bot.press(user, MeasuresHome())
    await bot.press(user, MeasureResults())
    return str(last(bot, user).plain_text)


async def test_staff_see_the_list_funded_first_with_both_rules_and_the_sub_goals(measures_bot):
    await elect(measures_bot)
    text = await open_list(measures_bot, STAFF, "en")
    assert "Costed priority list" in text
    assert "Rule: Method of Equal Shares" in text
    assert "People who chose measures: 10" in text
    assert "Funded: €60,000 of €100,000 · left: €40,000" in text
    # greedy would fund positions 1 (courses), 2 (café) and 4 (housing guides)
    assert "By number of votes would fund: 1, 2, 4 (€100,000)" in text
    lines = text.split("\n")
    first = lines.index("✅ 1. Evening courses with childcare")
    assert lines[first + 1 : first + 4] == [
        "    6 votes · €40,000 · 60% of voters",
        "    Funded (running total €40,000)",
        "    Other rule: funded",
    ]
    assert lines[first + 4].startswith("    Sub-goal: ")
    assert "priority rank 1" in lines[first + 4]
    assert "✅ 2. Language café" in text
    assert "    fewer than 5 · €5,000" in text  # four people: the count is hidden
    assert "✅ 3. Parents' café in three schools" in text
    assert "Funded (running total €60,000)" in text
    housing = lines.index("▫️ 4. Housing guides")
    assert lines[housing + 1 : housing + 4] == [
        "    6 votes · €55,000 · 60% of voters",
        "    Not funded",
        "    Other rule: funded",
    ]
    pressed = data(last(measures_bot, STAFF))
    for button in (MeasureChart(), MeasureExport("csv"), MeasureExport("pb"), Announce()):
        assert button.pack() in pressed


async def test_the_files_are_excel_ready_csv_json_with_hidden_small_counts_and_pabulib(
    measures_bot,
):
    await elect(measures_bot)
    await open_list(measures_bot, STAFF, "en")
    screen = last(measures_bot, STAFF).message_id
    await measures_bot.press(STAFF, MeasureExport("csv"), message_id=screen)
    sent = last(measures_bot, STAFF)
    assert sent.document.filename.startswith("measures-my-city-2027-")
    content = sent.document.data.decode("utf-8")
    assert content.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert table[0][:8] == [
        "position", "measure_id", "field_id", "goal_id", "title", "cost", "votes",
        "voters_share_percent",
    ]  # fmt: skip
    assert table[0][8:11] == ["funded:equal-shares", "running_total", "funded:greedy"]
    assert table[1][:11] == [
        "1", "1", "language", "courses", "Abendkurse mit Kinderbetreuung", "40000", "6",
        "60,0", "yes", "40000", "yes",
    ]  # fmt: skip
    assert table[2][4:8] == ["Sprachcafé", "5000", "<5", "<5"]
    assert [row[8] for row in table[1:]] == ["yes", "yes", "yes", "no"]

    await measures_bot.press(STAFF, MeasureExport("json"), message_id=screen)
    document = json.loads(last(measures_bot, STAFF).document.data)
    assert document["rule"] == "equal-shares" and document["comparison_rule"] == "greedy"
    assert document["tie_breaking"] == "lower cost first, then lower measure number"
    assert (document["voters"], document["funded_total"], document["left"]) == (10, 60000, 40000)
    assert document["measures"][1]["votes"] is None  # four: hidden
    assert document["measures"][1]["title"] == {"de": "Sprachcafé", "en": "Language café"}
    assert document["measures"][3]["voters_share_percent"] == 60.0

    await measures_bot.press(STAFF, MeasureExport("pb"), message_id=screen)
    sent = last(measures_bot, STAFF)
    assert sent.document.filename.endswith(".pb")
    instance, profile = parse_pabulib_from_string(sent.document.data.decode("utf-8"))
    assert profile.num_ballots() == 10 and instance.budget_limit == 100000
    assert {p.name: instance.project_meta[p]["selected"] for p in instance} == {
        "1": "1", "2": "1", "3": "0", "4": "1",
    }  # fmt: skip


def _colours(png: bytes) -> set[tuple[int, int, int]]:
    """The colours that fill at least a bar's worth of pixels (not a letter's edge)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    found = image.getcolors(maxcolors=1_000_000) or []
    return {colour for count, colour in found if count > 2000}


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


async def test_the_chart_shows_funded_measures_blue_and_the_others_grey(measures_bot):
    await elect(measures_bot)
    await open_list(measures_bot, STAFF, "de")
    await measures_bot.press(STAFF, MeasureChart())
    photo = last(measures_bot, STAFF).photo
    assert photo is not None and photo.data.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(photo.data)).width == 1080
    colours = _colours(photo.data)
    assert _rgb(BAR) in colours and _rgb(charts.UNFUNDED) in colours
    # all funded: no grey bar
    listed_all = await _listed(measures_bot)
    funded_only = replace(listed_all, lines=listed_all.funded_lines())
    t = measures_bot.services.catalogs.translator("en")
    assert _rgb(charts.UNFUNDED) not in _colours(charts.render(chart(t, funded_only)))


async def _listed(bot: EmulatedBot):
    from bot.measures.outcome import costed_list

    return await costed_list(bot.services.database, bot.services.procedure)


async def test_residents_see_when_the_list_will_be_public_then_the_public_list(measures_bot):
    await elect(measures_bot)
    text = await open_list(measures_bot, RESIDENT, "de")
    assert "Die Prioritätenliste mit Kosten wird hier veröffentlicht" in text
    assert "Abendkurse" not in text
    # nor the staff's buttons: a resident's forged press of a file gets the out-of-date answer
    await measures_bot.press_forged(RESIDENT, MeasureExport("pb"))
    assert "veraltet" in alerts(measures_bot)[-1]
    assert last(measures_bot, RESIDENT).document is None
    await close_choosing(measures_bot)
    await measures_bot.press(RESIDENT, MeasuresHome())
    await measures_bot.press(RESIDENT, MeasureResults())
    text = str(last(measures_bot, RESIDENT).plain_text)
    assert "Regel: Methode der gleichen Anteile" in text
    assert "Das Budget wird gleichmäßig auf alle verteilt" in text
    assert "Finanziert: 60.000\xa0€ von 100.000\xa0€ · übrig: 40.000\xa0€" in text
    lines = text.split("\n")
    assert lines.index("Finanziert") < lines.index("Nicht finanziert")
    assert "1. Abendkurse mit Kinderbetreuung – 6 Stimmen · 40.000\xa0€" in lines
    assert "2. Sprachcafé – weniger als 5 · 5.000\xa0€" in lines
    assert "4. Wohnungslotsen – 6 Stimmen · 55.000\xa0€" in lines
    # the sub-goal, but not its priority: the prioritisation's results are not public yet
    assert "    Teilziel: Mehr Deutschkurse mit Kinderbetreuung." in lines
    assert "Platz" not in text
    assert Announce().pack() not in data(last(measures_bot, RESIDENT))
    await measures_bot.press(RESIDENT, MeasureChart())
    assert last(measures_bot, RESIDENT).photo is not None


@pytest.mark.parametrize(
    ("public", "opened", "expected"),
    [
        ("live", False, "as soon as choosing measures opens on"),
        ("live", True, "Costed priority list"),
        ("never", True, "The city publishes the costed priority list outside this chat."),
    ],
)
async def test_public_live_shows_the_list_while_choosing_and_never_keeps_it_for_staff(
    settings: Settings, public: str, opened: bool, expected: str
):
    procedure = load_procedure(MEASURES_FILE)
    assert procedure.measures is not None
    procedure = replace(procedure, measures=replace(procedure.measures, public=public))
    bot = EmulatedBot(replace(settings, procedure=MEASURES_FILE), procedure)
    async with bot:
        await elect(bot)
        if opened:
            await open_round(bot, "voting")
        text = await open_list(bot, RESIDENT, "en")
        assert expected in text
        assert ("Evening courses" in text) is (public == "live" and opened)


async def test_a_long_list_pages(measures_bot):
    db = measures_bot.services.database
    await measures.seed(db, [
        Seed(f"test:m{n}", "housing", "fair", 1000 + n, "en",
             {"en": MeasureText(f"Measure number {n} with a long enough title " * 2, "")})
        for n in range(60)
    ])  # fmt: skip
    text = await open_list(measures_bot, STAFF, "en")
    assert "(page 1 of" in text
    assert MeasureResultsPage(2).pack() in data(last(measures_bot, STAFF))
    await measures_bot.press(STAFF, MeasureResultsPage(2))
    assert "(page 2 of" in str(last(measures_bot, STAFF).plain_text)


async def test_staff_announce_the_funded_measures_as_news_in_each_language(measures_bot):
    await elect(measures_bot)
    subscribers = await add_subscribers(measures_bot, ["de", "en", "de"])
    await open_list(measures_bot, STAFF, "en")
    await measures_bot.press(STAFF, Announce())
    assert "not public yet" in str(last(measures_bot, STAFF).plain_text)
    assert rows(measures_bot.database_path, "SELECT COUNT(*) FROM broadcasts") == [(0,)]
    await close_choosing(measures_bot)
    await open_list(measures_bot, STAFF, "en")
    await measures_bot.press(STAFF, Announce())
    preview, question = measures_bot.fake.bot_messages(STAFF)[-2:]
    assert "These measures will be funded" in preview.plain_text
    assert "• Evening courses with childcare – €40,000" in preview.plain_text
    assert "Housing guides" not in preview.plain_text
    assert "Together: €60,000." in preview.plain_text
    assert "3 subscribers" in question.plain_text
    send = next(d for d in data(question) if d.endswith(":yes"))
    await measures_bot.press(STAFF, send)
    queued = rows(measures_bot.database_path, "SELECT id, kind FROM broadcasts")
    assert [kind for _, kind in queued] == ["news"]
    texts = dict(
        rows(
            measures_bot.database_path,
            "SELECT language, text FROM broadcast_texts WHERE broadcast_id = ?",
            (queued[0][0],),
        )
    )
    assert "Diese Maßnahmen werden finanziert" in texts["de"]
    assert "Sprachcafé – 5.000\xa0€" in texts["de"]
    assert "Language café – €5,000" in texts["en"]
    await finished(measures_bot, queued[0][0])
    got = measures_bot.fake.bot_messages(subscribers[0])[-1].plain_text
    assert "Abendkurse mit Kinderbetreuung" in got
    # a second press of Send (or a redelivered update) queues nothing more
    await measures_bot.press_forged(STAFF, send, message_id=question.message_id)
    assert "answered already" in alerts(measures_bot)[-1]
    assert len(rows(measures_bot.database_path, "SELECT id FROM broadcasts")) == 1


async def test_cancel_sends_nothing_and_a_list_with_nothing_funded_cannot_be_announced(
    measures_bot,
):
    await close_choosing(measures_bot)
    await open_list(measures_bot, STAFF, "en")
    await measures_bot.press(STAFF, Announce())
    assert "nothing to announce" in alerts(measures_bot)[-1]
    await elect(measures_bot)
    await measures_bot.press(STAFF, Announce())
    question = measures_bot.fake.bot_messages(STAFF)[-1]
    await measures_bot.press(STAFF, AnnounceAnswer(int(data(question)[0].split(":")[2]), False))
    assert "Not sent." in str(last(measures_bot, STAFF).plain_text)
    assert rows(measures_bot.database_path, "SELECT COUNT(*) FROM broadcasts") == [(0,)]


# --- the command line ---------------------------------------------------------------------


@pytest.fixture
def cli_database(measures_bot) -> Path:
    return measures_bot.database_path


@pytest.fixture(autouse=True)
def no_bot_settings_from_outside(monkeypatch):
    for name in list(os.environ):
        if name.startswith("BOT_"):
            monkeypatch.delenv(name)


async def cli(capsys, database: Path, *args: str, procedure: Path = MEASURES_FILE):
    """The command beside the running bot (in a thread: it runs its own event loop)."""
    argv = ["results", "--database", str(database), "--procedure", str(procedure), *args]
    code = await asyncio.to_thread(main, argv)
    out, err = capsys.readouterr()
    return code, out, err


async def test_the_command_line_prints_the_list_in_every_format_and_under_either_rule(
    measures_bot, capsys, tmp_path
):
    await elect(measures_bot)
    path = measures_bot.database_path
    code, out, _ = await cli(capsys, path, "--round", "measures")
    assert code == 0
    assert "rule: Method of Equal Shares with completion" in out
    assert "funded 60000, left 40000; greedy by votes would fund 100000" in out
    assert "ties: lower cost first, then lower measure number" in out
    code, out, _ = await cli(
        capsys, path, "--round", "measures", "--rule", "greedy", "--format", "json"
    )
    document = json.loads(out)
    assert (code, document["rule"], document["funded_total"]) == (0, "greedy", 100000)
    assert [m["id"] for m in document["measures"] if m["funded"]] == [1, 3, 4]
    target = tmp_path / "list.csv"
    code, _, err = await cli(
        capsys, path, "--round", "measures", "--format", "csv", "--separator", ",",
        "--output", str(target),
    )  # fmt: skip
    assert code == 0 and "written" in err
    assert target.read_text(encoding="utf-8").splitlines()[1].endswith(",60.0,yes,40000,yes,1,")
    code, out, _ = await cli(capsys, path, "--round", "measures", "--format", "pabulib")
    assert code == 0 and out.startswith("META\n")
    instance, profile = parse_pabulib_from_string(out)
    assert profile.num_ballots() == 10 and len(instance) == 4


async def test_the_command_line_refuses_what_does_not_fit_the_measures_round(measures_bot, capsys):
    path = measures_bot.database_path
    for args, words in [
        (("--round", "measures", "--format", "markdown"), "--format markdown"),
        (("--round", "measures", "--merged"), "--merged and --weights"),
        (("--format", "pabulib"), "need --round measures"),
        (("--round", "measures", "--language", "fa"), "--language fa"),
    ]:
        code, out, err = await cli(capsys, path, *args)
        assert (code, out) == (2, "") and words in err
    with pytest.raises(SystemExit) as exited:  # argparse's own refusal
        await cli(capsys, path, "--round", "measures", "--rule", "lottery")
    assert exited.value.code == 2 and "invalid choice" in capsys.readouterr().err
    from bot.resources import example_procedure

    code, _, err = await cli(
        capsys, path, "--round", "measures", procedure=Path("tests/data/mini.toml")
    )
    assert code == 2 and "no measures round" in err
    assert example_procedure()  # the shipped example is untouched by these runs


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_text_of_the_list_is_in_the_readers_language(measures_procedure, language):
    from bot.measures.announce import announcement
    from bot.measures.outcome import costed
    from bot.measures.result_screens import public_list, staff_list
    from tests.measures.test_outcome import _measure

    t = Catalogs.load(locales_dir()).translator(language)
    english = Catalogs.load(locales_dir()).translator("en")
    approved = [_measure(1, 40000), _measure(2, 15000), _measure(3, 55000), _measure(4, 5000)]
    ballots = [frozenset({1, 3})] * 6 + [frozenset({2, 4})] * 4
    listed = costed(measures_procedure, approved, ballots, made_at=datetime.now(UTC))
    texts = [
        staff_list(t, measures_procedure, listed, 1).text,
        public_list(t, measures_procedure, listed, 1, True).text,
        announcement(t, measures_procedure, listed),
        chart(t, listed).note,
    ]
    for text in texts:
        assert "%(" not in text
        if language != "en":
            for word in ("Costed priority list", "Funded", "Method of Equal Shares", "votes"):
                assert word not in text
    assert t.money(60000, "EUR") in texts[0]
    if t.rtl:
        assert texts[2].startswith("\u200f")  # the announcement reads right to left
    assert (
        english.gettext("Method of Equal Shares")
        in staff_list(english, measures_procedure, listed, 1).text
    )
