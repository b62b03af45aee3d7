"""Broadcast texts: whether Telegram would take them, the note for untranslated languages,
and the small Markdown that staff write in files for the command line."""

import html
import re

from bot.chat.text import MAX_MESSAGE, plain, visible_length
from bot.i18n import Catalogs

INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"


def is_blank(text_html: str) -> bool:
    """True when nothing readable is left: only spaces or invisible characters."""
    return not plain(text_html).strip().strip(INVISIBLE).strip()


def too_long(text_html: str) -> int | None:
    """The length when it is over Telegram's limit, else None."""
    length = visible_length(text_html)
    return length if length > MAX_MESSAGE else None


def texts_for_all(
    catalogs: Catalogs, languages: tuple[str, ...], default: str, written: dict[str, str]
) -> dict[str, str]:
    """The message per language: the translation staff wrote, or the default-language text
    with a one-line note in the reader's language."""
    result = {}
    for language in languages:
        if language in written:
            result[language] = written[language]
            continue
        t = catalogs.translator(language)
        note = t.gettext("(This news is not yet available in your language.)")
        result[language] = (
            t.bidi(f"<i>{html.escape(note, quote=False)}</i>") + "\n\n" + written[default]
        )
    return result


_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])")


def markdown_to_html(markdown: str) -> str:
    """**bold**, *italic* or _italic_, and [links](https://…) to Telegram HTML; everything
    else is plain text (escaped)."""
    text = html.escape(markdown.strip(), quote=False)
    text = _LINK.sub(lambda m: f'<a href="{html.escape(m.group(2))}">{m.group(1)}</a>', text)
    text = _BOLD.sub(r"<b>\1</b>", text)
    return _ITALIC.sub(r"<i>\1</i>", text)
