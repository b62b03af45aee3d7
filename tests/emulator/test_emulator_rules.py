"""Telegram's text rules: HTML and MarkdownV2 parsing, UTF-16 lengths, keyboards."""

import pytest

from bot.emulator import ApiError, FakeTelegram, press_number, render_message
from bot.emulator.html_text import parse_html, strip_html, utf16_len
from bot.emulator.markdown import parse_markdown_v2
from bot.emulator.rules import check_reply_markup, check_text


def test_utf16_len():
    assert utf16_len("abc") == 3
    assert utf16_len("ä") == 1
    assert utf16_len("😀") == 2


def test_html_entities_and_offsets():
    text, entities = parse_html(
        '😀 <b>fett <i>kursiv</i></b> <a href="https://x.org/?a=1&amp;b=2">link</a>'
    )
    assert text == "😀 fett kursiv link"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 11},
        {"type": "italic", "offset": 8, "length": 6},
        {"type": "text_link", "offset": 15, "length": 4, "url": "https://x.org/?a=1&b=2"},
    ]


def test_html_character_references():
    assert parse_html("&lt;&gt;&amp;&quot;&#33;&#x41;&#x1F600;")[0] == '<>&"!A😀'


@pytest.mark.parametrize(
    "source",
    [
        "Tom & Jerry",
        "AT&T",
        "&",
        "&nbsp;",  # a named entity Telegram does not know: it would show "&nbsp;" as written
        "&amp",  # no semicolon
        "&#0;",  # no character
        "&#xD800;",  # half of a surrogate pair
        "&#X41;",  # Telegram reads a hexadecimal reference only with a lower-case x
        '<a href="https://x.org/?a=1&b=2">link</a>',
        "<a href='https://x.org/?a=1&b=2'>link</a>",
    ],
)
def test_html_a_bare_ampersand_in_text_or_an_attribute_is_refused(source: str):
    # The Bot API: every & that does not start an entity must be written as &amp;.
    with pytest.raises(ApiError) as caught:
        parse_html(source)
    assert caught.value.description.startswith("Bad Request: can't parse entities: ")
    assert '"&"' in caught.value.description and "byte offset" in caught.value.description


def test_html_an_escaped_ampersand_in_an_attribute_is_decoded():
    _, entities = parse_html('<a href="https://x.org/?a=1&amp;b=2&#38;c=3">link</a>')
    assert entities[0]["url"] == "https://x.org/?a=1&b=2&c=3"


@pytest.mark.parametrize(
    "source",
    [
        '<pre><code class="csv">a;b</code></pre>',  # python-telegram-bot's text_html writes this
        '<pre><code class="python">x = 1</code></pre>',
        '<code class="lang-python">x</code>',
        '<pre><code class="">x</code></pre>',
    ],
)
def test_html_a_code_class_other_than_language_is_refused(source: str):
    with pytest.raises(ApiError) as caught:
        parse_html(source)
    assert 'Tag "code"' in caught.value.description and "language-" in caught.value.description


def test_html_a_language_on_a_standalone_code_tag_is_ignored():
    # Telegram takes it, but a programming language belongs to pre blocks only.
    assert parse_html('<code class="language-python">x</code>')[1] == [
        {"type": "code", "offset": 0, "length": 1}
    ]


def test_html_pre_with_language_and_spoiler():
    text, entities = parse_html(
        '<pre><code class="language-python">x = 1</code></pre><span class="tg-spoiler">s</span>'
    )
    assert text == "x = 1s"
    assert entities[0] == {"type": "pre", "offset": 0, "length": 5, "language": "python"}
    assert entities[1]["type"] == "spoiler"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", "Unmatched end tag"),
        ("x</b>", "Unexpected end tag"),
        ("<br>", 'Unsupported start tag "br"'),
        ("a < b", "Unsupported start tag"),
        ("<span>x</span>", "must have class"),
        ("<b", "Unclosed start tag"),
    ],
)
def test_html_errors(source: str, message: str):
    with pytest.raises(ApiError) as caught:
        parse_html(source)
    assert caught.value.error_code == 400
    assert caught.value.description.startswith("Bad Request: can't parse entities: ")
    assert message in caught.value.description


def test_strip_html_tolerates_bad_markup():
    assert strip_html("<b>a &amp; b</b>") == "a & b"
    assert strip_html("<b>broken") == "<b>broken"


def test_markdown_v2():
    text, entities = parse_markdown_v2(
        "*fett* _kursiv_ __unter__ ~durch~ ||sp|| `c` [l](https://x.org) 1\\."
    )
    assert text == "fett kursiv unter durch sp c l 1."
    assert [e["type"] for e in entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "text_link",
    ]
    with pytest.raises(ApiError, match=r"Character '.' is reserved"):
        parse_markdown_v2("Ende.")
    with pytest.raises(ApiError, match=r"Can't find end of Bold entity"):
        parse_markdown_v2("*offen")


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("<b>" + "x" * 4096 + "</b>", "HTML"),  # the tags are not counted
        ("&amp;" * 4096, "HTML"),  # 20480 characters as written, 4096 as read
        ("😀" * 2048, None),  # 4096 UTF-16 code units
        ("*" + "x" * 4096 + "*", "MarkdownV2"),
    ],
)
def test_the_length_limit_counts_the_text_after_entity_parsing(text: str, mode: str | None):
    plain, _ = check_text(text, mode)
    assert utf16_len(plain) == 4096


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("<b>" + "x" * 4097 + "</b>", "HTML"),
        ("&amp;" * 4097, "HTML"),
        ("😀" * 2048 + "x", None),  # 4097 UTF-16 code units, though only 2049 characters
        ("*" + "x" * 4097 + "*", "MarkdownV2"),
    ],
)
def test_a_text_over_the_limit_after_entity_parsing_is_refused(text: str, mode: str | None):
    with pytest.raises(ApiError, match="message is too long"):
        check_text(text, mode)


async def test_send_message_enforces_the_html_rules_through_the_api():
    fake = FakeTelegram()
    fake.add_user(7)
    for text in ('<a href="https://x.org/?a=1&b=2">x</a>', '<pre><code class="csv">x</code></pre>'):
        status, body = await fake.call(
            fake.token, "sendMessage", {"chat_id": 7, "text": text, "parse_mode": "HTML"}
        )
        assert status == 400 and "can't parse entities" in body["description"]
    assert fake.bot_messages(7) == []


def test_check_text_modes():
    assert check_text("plain <b>", None)[0] == "plain <b>"
    with pytest.raises(ApiError, match=r"unsupported parse_mode"):
        check_text("x", "BBCode")


@pytest.mark.parametrize(
    "markup",
    [
        {"inline_keyboard": [[{"text": "", "callback_data": "a"}]]},
        {"inline_keyboard": [[{"text": "a"}]]},
        {"inline_keyboard": [[{"text": "a", "callback_data": "a", "url": "https://x.org"}]]},
        {"inline_keyboard": [[{"text": "a", "callback_data": ""}]]},
        {"inline_keyboard": [[{"text": "a", "url": "javascript:alert(1)"}]]},
        {"inline_keyboard": [{"text": "a", "callback_data": "a"}]},
        {"keyboard": [[{"text": " "}]]},
        {"something": True},
    ],
)
def test_bad_keyboards(markup: dict):
    with pytest.raises(ApiError):
        check_reply_markup(markup)


def test_good_keyboards():
    assert check_reply_markup(None) is None
    assert check_reply_markup({"remove_keyboard": True})
    assert check_reply_markup({"force_reply": True})
    assert check_reply_markup({"keyboard": [["Ja", {"text": "Nein"}]]})


async def test_render_and_press_number():
    fake = FakeTelegram()
    fake.add_user(7)
    markup = {
        "inline_keyboard": [
            [{"text": "A", "callback_data": "a"}, {"text": "B", "callback_data": "b"}],
            [{"text": "Web", "url": "https://x.org"}],
        ]
    }
    status, _ = await fake.call(
        fake.token,
        "sendMessage",
        {
            "chat_id": 7,
            "text": "<b>Frage</b> &amp; Antwort",
            "parse_mode": "HTML",
            "reply_markup": markup,
        },
    )
    assert status == 200
    rendered = render_message(fake.last_bot_message(7))
    assert rendered == "Frage & Antwort\n[1] A  [2] B\n[3] Web -> https://x.org"
    press_number(fake, 7, 2)
    assert fake.updates.pending[-1]["callback_query"]["data"] == "b"
    with pytest.raises(ValueError):
        press_number(fake, 7, 3)  # a URL button sends nothing to the ptb_bot
    await fake.call(
        fake.token,
        "sendMessage",
        {"chat_id": 7, "text": "Sprache?", "reply_markup": {"keyboard": [["Deutsch", "English"]]}},
    )
    press_number(fake, 7, 2)
    assert fake.updates.pending[-1]["message"]["text"] == "English"
