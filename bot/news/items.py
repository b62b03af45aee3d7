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


def untranslated_note(t: Translator) -> str:
    """The note over news shown in the default language (the same as on news sent to
    subscribers, bot/broadcasting/texts.py)."""
    return "<i>{}</i>".format(t.gettext("(This news is not yet available in your language.)"))


def untranslated(t: Translator, procedure: Procedure, item: NewsItem) -> bool:
    """Whether the reader gets this item in the default language instead of their own."""
    return item.text(t.language, procedure.default_language)[1] != t.language


def news_text(
    t: Translator,
    procedure: Procedure,
    item: NewsItem,
    *,
    short: int | None = None,
    note: bool = True,
) -> str:
    """One news item in the reader's language, else in the default language with a note
    (`note`: False where the screen shows the note once); `short`: the text cut to that many
    characters of plain text."""
    text, language = item.text(t.language, procedure.default_language)
    lines = []
    if note and language != t.language:
        lines.append(untranslated_note(t))
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
    """The head paragraphs and the news items, shortened as far as needed to fit. Items in the
    default language instead of the reader's get one note before the news, not one each."""
    if any(untranslated(t, procedure, i) for i in items):
        head = [*head, untranslated_note(t)]
    text = ""
    for short in (None, *SHORTER):
        news = (news_text(t, procedure, i, short=short, note=False) for i in items)
        text = "\n\n".join([*head, *news])
        if visible_length(text) <= LIMIT:
            break
    return text
