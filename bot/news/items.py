"""A news item as residents read it, and news that fit into one Telegram message.

News archived from broadcasts may be long (a broadcast may use a whole message); three of
them together with the timeline would not fit the 4096 characters Telegram allows, and the
whole screen would fail. Then each text is shortened to plain text (formatting cannot be cut
safely), and the full item is what subscribers received.
"""

from collections.abc import Sequence
from datetime import datetime

from bot.chat.text import escape, plain, visible_length
from bot.i18n import Translator
from bot.procedure import Procedure
from storage.news import NewsItem

LIMIT = 4000  # Telegram's 4096, less room for the right-to-left marks added to each line
SHORTER = (300, 80)  # characters of each news text, tried in turn when the screen is too long


def news_text(
    t: Translator, procedure: Procedure, item: NewsItem, *, short: int | None = None
) -> str:
    """One news item in the reader's language, else in the default language with a note;
    `short`: the text cut to that many characters of plain text."""
    text, language = item.text(t.language, procedure.default_language)
    lines = []
    if language != t.language:
        # The same note as on news sent to subscribers (bot/broadcasting/texts.py).
        note = t.gettext("(This news is not yet available in your language.)")
        lines.append(f"<i>{note}</i>")
    if text.title:  # news archived from a broadcast have no title of their own
        lines.append(f"<b>{text.title}</b>")
    published = t.date(datetime.fromisoformat(item.published_at))
    body = text.body
    if short is not None and len(plain(body)) > short:
        body = escape(plain(body)[:short].rstrip()) + " …"
    lines += [f"<i>{published}</i>", body]
    return "\n".join(lines)


def fitted(
    head: Sequence[str], t: Translator, procedure: Procedure, items: Sequence[NewsItem]
) -> str:
    """The head paragraphs and the news items, shortened as far as needed to fit."""
    text = ""
    for short in (None, *SHORTER):
        text = "\n\n".join([*head, *(news_text(t, procedure, i, short=short) for i in items)])
        if visible_length(text) <= LIMIT:
            break
    return text
