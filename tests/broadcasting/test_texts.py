"""Broadcast texts as Telegram will read them: formatting staff wrote, Markdown files, the note
for untranslated languages and the length per language group."""

import pytest
from telegram import MessageEntity, User

from bot.broadcasting.texts import markdown_to_html, message_html, over_the_limit, texts_for_all
from bot.emulator.html_text import parse_html
from bot.i18n import Catalogs
from bot.resources import locales_dir

LANGUAGES = ("de", "en", "ar")


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs.load(locales_dir(), LANGUAGES)


def entity(kind: str, offset: int, length: int, **extra: object) -> MessageEntity:
    return MessageEntity(kind, offset, length, **extra)


@pytest.mark.parametrize(
    ("text", "entities"),
    [
        ("plain <b> & text", []),
        ("fett und kursiv", [entity("bold", 0, 15), entity("italic", 9, 6)]),
        ("Link", [entity("text_link", 0, 4, url='https://x.example/?a=1&b="2"<3>')]),
        ("a;b\n1;2", [entity("pre", 0, 7, language="csv")]),
        ("x = 1", [entity("pre", 0, 5)]),
        ("😀 code und mehr", [entity("code", 3, 4), entity("underline", 8, 3)]),
        ("Zitat", [entity("expandable_blockquote", 0, 5), entity("strikethrough", 0, 5)]),
        ("geheim", [entity("spoiler", 0, 6)]),
        ("Anna", [entity("text_mention", 0, 4, user=User(5, "Anna", False))]),
        ("#tag /cmd", [entity("hashtag", 0, 4), entity("bot_command", 5, 4)]),
    ],
)
def test_a_message_staff_wrote_becomes_html_that_telegram_reads_back_the_same(text, entities):
    source = message_html(text, entities)
    plain, parsed = parse_html(source)  # the emulator enforces the Bot API's HTML rules
    assert plain == text
    expected = []
    for e in entities:
        if e.type in ("hashtag", "bot_command"):
            continue  # Telegram finds these again by itself
        item = {"type": e.type, "offset": e.offset, "length": e.length}
        if e.type == "text_mention":
            item |= {"type": "text_link", "url": f"tg://user?id={e.user.id}"}
        item |= {k: v for k, v in (("url", e.url), ("language", e.language)) if v}
        expected.append(item)
    key = lambda e: (e["offset"], -e["length"], e["type"])  # noqa: E731
    assert sorted(parsed, key=key) == sorted(expected, key=key)


def test_a_code_block_keeps_its_language_as_telegram_wants_it():
    source = message_html("a;b", [entity("pre", 0, 3, language="csv")])
    assert source == '<pre><code class="language-csv">a;b</code></pre>'


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (
            "[Tabelle](https://x.example/t?a=1&b=2)",
            '<a href="https://x.example/t?a=1&amp;b=2">Tabelle</a>',
        ),
        ("**fett** & *kursiv* <b>", "<b>fett</b> &amp; <i>kursiv</i> &lt;b&gt;"),
        ('[Q](https://x.example/?q="x")', '<a href="https://x.example/?q=&quot;x&quot;">Q</a>'),
        (  # a "_" in an address is no italics
            "_[Plan](https://x.example/_neu_/p)_ **fett**",
            '<i><a href="https://x.example/_neu_/p">Plan</a></i> <b>fett</b>',
        ),
    ],
)
def test_markdown_files_become_valid_telegram_html(markdown, expected):
    assert markdown_to_html(markdown) == expected
    parse_html(expected)  # and Telegram takes it


def test_every_language_reads_its_translation_or_the_default_with_the_note(catalogs):
    messages = texts_for_all(catalogs, LANGUAGES, "de", {"de": "Hallo", "en": "Hello"})
    assert messages["de"] == "Hallo" and messages["en"] == "Hello"
    assert messages["ar"].endswith("</i>\n\nHallo") and "بلغتك" in messages["ar"]
    # A language the procedure no longer offers: the default text with the default's note.
    note = "<i>(Diese Neuigkeit gibt es noch nicht in Ihrer Sprache.)</i>\n\nHallo"
    assert messages["it"] == note and messages.get("it") == note
    assert set(messages) == set(LANGUAGES)


def test_the_length_is_measured_per_language_group_as_telegram_counts_it(catalogs):
    messages = texts_for_all(catalogs, LANGUAGES, "de", {"de": "x" * 4080, "en": "&amp;" * 4096})
    # en: 4096 characters as read; ar: 4080 with a 35-character note; it: with the German note.
    assert over_the_limit(messages, ["de", "en"]) == {}
    assert over_the_limit(messages, ["de", "en", "ar", "it"]) == {"ar": 4115, "it": 4136}
