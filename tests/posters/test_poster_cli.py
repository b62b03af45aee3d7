"""`participation-bot poster` through main(): the username from the flag or from Telegram
(getMe on the emulator's HTTP front door), and every bad input answered with one clear line,
exit 2 and nothing written. The link a poster carries opens the real bot as promised."""

import asyncio
import os
import threading

import pytest
import zxingcpp
from PIL import Image

from bot.__main__ import main
from bot.emulator import FakeTelegram, start_http
from bot.posters.links import bot_username
from bot.procedure import load_procedure
from bot.resources import example_procedure
from tests.conftest import RESIDENT, last, rows

EXAMPLE = load_procedure(example_procedure())
TOKEN = "4242:POSTER-token-never-printed"


@pytest.fixture(autouse=True)
def no_bot_settings_from_outside(monkeypatch):
    for name in list(os.environ):
        if name.startswith("BOT_"):
            monkeypatch.delenv(name)


def poster(capsys, *args: str):
    """Run the command in this process: (exit status, stdout, stderr)."""
    code = main(["poster", *args])
    out, err = capsys.readouterr()
    return code, out, err


def read_code(path) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(path))]


class FrontDoor:
    """The emulator's HTTP front door on a loop of its own (the command runs its own loop)."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.door = asyncio.run_coroutine_threadsafe(start_http(fake), self.loop).result(10)
        self.base_url = self.door.base_url

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.door.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture
def telegram():
    fake = FakeTelegram(TOKEN, bot_username="Luebeck_Beteiligung_bot")
    door = FrontDoor(fake)
    yield fake, door.base_url
    door.close()


# --- the username -------------------------------------------------------------------------------


def test_without_a_username_or_token_staff_are_told_what_to_pass(capsys, tmp_path):
    out_dir = tmp_path / "posters"
    code, out, err = poster(capsys, "--output", str(out_dir))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "--bot-username NAME" in err and "BOT_TOKEN" in err
    assert not out_dir.exists()


def test_the_username_is_asked_from_telegram_with_the_token(capsys, tmp_path, telegram):
    fake, base_url = telegram
    code, out, err = poster(
        capsys, "--token", TOKEN, "--api-url", base_url, "--language", "ar", "--format", "png",
        "--output", str(tmp_path),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == f"{tmp_path / 'poster-ar.png'}\n"
    assert read_code(tmp_path / "poster-ar.png") == [
        "https://t.me/Luebeck_Beteiligung_bot?start=lang-ar"
    ]
    assert len(fake.calls("getMe")) == 1


def test_the_token_can_come_from_a_file(capsys, tmp_path, telegram):
    _, base_url = telegram
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    code, out, _ = poster(
        capsys, "--token-file", str(token_file), "--api-url", base_url, "--language", "de",
        "--format", "svg", "--output", str(tmp_path / "out"),
    )  # fmt: skip
    assert code == 0 and out.strip().endswith("poster-de.svg")
    assert "Luebeck_Beteiligung_bot?start=lang-de" in (tmp_path / "out/poster-de.svg").read_text()


def test_a_token_telegram_rejects_is_one_line_without_the_token(capsys, tmp_path, telegram):
    _, base_url = telegram
    code, out, err = poster(
        capsys, "--token", "4242:ANOTHER-token", "--api-url", base_url,
        "--output", str(tmp_path / "out"),
    )  # fmt: skip
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "rejected the token" in err and "--bot-username" in err
    assert "ANOTHER-token" not in err
    assert not (tmp_path / "out").exists()


def test_an_unreachable_telegram_is_one_line_naming_the_address(capsys, tmp_path):
    code, _, err = poster(
        capsys, "--token", TOKEN, "--api-url", "http://127.0.0.1:9/bot",
        "--output", str(tmp_path / "out"),
    )  # fmt: skip
    assert code == 2 and err.count("\n") == 1
    assert "http://127.0.0.1:9/bot" in err and "--bot-username" in err and TOKEN not in err
    assert not (tmp_path / "out").exists()


def test_the_flag_wins_over_the_token_and_telegram_is_not_asked(capsys, tmp_path, telegram):
    fake, base_url = telegram
    code, _, _ = poster(
        capsys, "--token", TOKEN, "--api-url", base_url, "--bot-username", "@Other_bot",
        "--language", "en", "--format", "png", "--output", str(tmp_path),
    )  # fmt: skip
    assert code == 0 and fake.calls("getMe") == []
    assert read_code(tmp_path / "poster-en.png") == ["https://t.me/Other_bot?start=lang-en"]


@pytest.mark.parametrize(
    "name", ["abc", "luebeck", "x" * 30 + "bot", "lübeck_bot", "luebeck-bot", "luebeck bot", "bot"]
)
def test_a_username_telegram_would_not_allow_is_refused(capsys, tmp_path, name):
    code, out, err = poster(capsys, "--bot-username", name, "--output", str(tmp_path / "out"))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "5 to 32" in err and "ends in 'bot'" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["abcbot", "Luebeck_BOT", "@luebeck_bot", "a" * 29 + "Bot"])
def test_usernames_telegram_allows_are_taken(name):
    assert bot_username(name) == name.removeprefix("@")


# --- the other inputs ----------------------------------------------------------------------------


def test_a_field_that_does_not_exist_is_answered_with_the_ids_that_do(capsys, tmp_path):
    code, out, err = poster(
        capsys, "--bot-username", "abc_bot", "--field", "parking", "--output", str(tmp_path / "o")
    )
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "--field parking" in err
    assert all(field.id in err for field in EXAMPLE.fields)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("language", ["pt", "AR", "", "de,en"])
def test_a_language_not_offered_is_answered_with_those_that_are(capsys, tmp_path, language):
    code, out, err = poster(
        capsys, "--bot-username", "abc_bot", "--language", language, "--output", str(tmp_path / "o")
    )
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "de, en, tr, ar, ru, uk, fa, pl" in err
    assert not (tmp_path / "o").exists()


def test_an_unknown_format_is_one_line(capsys, tmp_path):
    code, _, err = poster(
        capsys, "--bot-username", "abc_bot", "--format", "jpg", "--output", str(tmp_path / "o")
    )
    assert code == 2 and err.count("\n") == 1 and "pdf, png, svg" in err
    assert not (tmp_path / "o").exists()


def test_an_output_that_is_a_file_is_left_alone(capsys, tmp_path):
    target = tmp_path / "posters"
    target.write_text("keep me")
    code, _, err = poster(capsys, "--bot-username", "abc_bot", "--output", str(target))
    assert code == 2 and err.count("\n") == 1 and "not a folder" in err
    assert target.read_text() == "keep me"


def test_a_field_poster_links_to_the_field_in_every_language(capsys, tmp_path):
    code, out, _ = poster(
        capsys, "--bot-username", "abc_bot", "--field", "language-education", "--format", "png",
        "--output", str(tmp_path / "new" / "folder"),
    )  # fmt: skip
    assert code == 0
    files = [tmp_path / "new" / "folder" / f"poster-{lang}-language-education.png"
             for lang in EXAMPLE.languages]  # fmt: skip
    assert out.splitlines() == [str(path) for path in files]
    for path in files[:2]:  # reading every code is the other test file's job
        assert read_code(path) == ["https://t.me/abc_bot?start=field-language-education"]


# --- what the link opens ------------------------------------------------------------------------


def payload_on_poster(capsys, tmp_path, *args: str) -> str:
    """The start parameter of the link in the poster's QR code, as a phone would read it."""
    code, out, _ = poster(capsys, "--bot-username", "abc_bot", "--format", "png",
                          "--output", str(tmp_path), *args)  # fmt: skip
    assert code == 0
    (link,) = read_code(out.strip())
    assert link.startswith("https://t.me/abc_bot?start=")
    return link.partition("?start=")[2]


async def test_the_arabic_posters_code_greets_in_arabic_and_keeps_it(running, capsys, tmp_path):
    """A resident whose Telegram is in English scans the Arabic poster."""
    payload = await asyncio.to_thread(payload_on_poster, capsys, tmp_path, "--language", "ar")
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, f"/start {payload}")
    assert EXAMPLE.title["ar"] in last(running).plain_text
    assert rows(running.database_path, "SELECT language FROM participants") == [("ar",)]


async def test_a_field_posters_code_opens_that_field(running, capsys, tmp_path):
    payload = await asyncio.to_thread(
        payload_on_poster, capsys, tmp_path, "--language", "tr", "--field", "language-education"
    )
    running.fake.add_user(RESIDENT, language_code="tr")
    await running.send(RESIDENT, f"/start {payload}")
    assert EXAMPLE.field("language-education").guiding_goal["tr"] in last(running).plain_text
