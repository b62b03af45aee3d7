"""Staff command /news (only BOT_ADMINS): publish a news item to the /status archive.

    /news Title | Text                 in the procedure's default language (required)
    en: Title | Text                   optional translations, each on its own line
    /news withdraw <number>            take a published item out of /status (audited)

A line that does not start with an offered language code continues the text before it.
The item is first shown as a preview with "Publish" and "Cancel" (bot/news/drafts.py).
Publishing only stores the item (residents see it under /status); sending it to subscribers
is a broadcast. What staff typed is stored as plain text, escaped for Telegram HTML. A message
or a press delivered twice (Telegram redelivers after a crash) publishes one item.
"""

import re
from datetime import UTC, datetime

from telegram import Update

from bot.chat.context import ChatContext
from bot.chat.screens import send_text, show
from bot.chat.staff import actor, is_staff
from bot.chat.text import escape
from bot.chat.updates import note_saved
from bot.i18n import Translator, native_name
from bot.news.drafts import Draft, keep, preview_screen
from storage.db import Database
from storage.news import NewsText
from storage.participants import now

MAX_TITLE, MAX_BODY = 120, 800  # characters per language; /status shows three items at once
_LANGUAGE_LINE = re.compile(r"^\s*([a-z]{2})\s*:\s?(.*)$")


def usage(t: Translator, default: str) -> str:
    """How to write a news item."""
    return "\n".join(
        [
            "<b>{}</b>".format(t.gettext("Publish a news item")),
            t.gettext(
                "Write the title and the text in %(language)s, separated by |:",
                language=native_name(default),
            ),
            "/news Title | Text",
            t.gettext("Translations follow, each on its own line with its language code:"),
            "en: Title | Text",
            "",
            t.gettext("Take a published item out of /status:"),
            "/news withdraw {}".format(t.gettext("NUMBER")),
        ]
    )


def _blocks(text: str, default: str, offered: tuple[str, ...]) -> dict[str, list[str]] | str:
    # Split the message into one block of lines per language; a language given twice is
    # returned as the problem.
    blocks: dict[str, list[str]] = {default: []}
    current = default
    for line in text.split("\n"):
        found = _LANGUAGE_LINE.match(line)
        if found and found[1] in offered:
            current = found[1]
            if "".join(blocks.get(current, [])).strip():
                return current
            blocks[current] = [found[2]]
        else:
            blocks[current].append(line)
    return blocks


def parse_news(
    t: Translator, text: str, default: str, offered: tuple[str, ...]
) -> dict[str, NewsText] | str:
    """The news item's texts per language (escaped), or what is wrong with the message."""
    rest = text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""
    blocks = _blocks(rest, default, offered)
    if isinstance(blocks, str):
        return t.gettext(
            "%(language)s is given twice. Nothing was published.", language=native_name(blocks)
        )
    texts = {}
    for language, lines in blocks.items():
        title, bar, body = "\n".join(lines).partition("|")
        title, body = title.strip(), body.strip()
        if not (bar and title and body):
            return t.gettext(
                "The text in %(language)s needs a title and a text, separated by |. "
                "Nothing was published.",
                language=native_name(language),
            )
        if len(title) > MAX_TITLE or len(body) > MAX_BODY:
            return t.gettext(
                "The title may have at most %(title)d characters and the text at most %(text)d "
                "(%(language)s). Nothing was published.",
                title=MAX_TITLE,
                text=MAX_BODY,
                language=native_name(language),
            )
        texts[language] = NewsText(escape(title), escape(body))
    return texts


_WITHDRAW = re.compile(r"\s*withdraw\s+#?(\d{1,9})\s*", re.IGNORECASE)


async def withdraw(db: Database, actor_id: int | None, news_id: int) -> bool:
    """Take a news item out of the archive (its texts with it; a broadcast that carried it
    keeps its record); audited. False when there is no such item."""
    async with db.transaction() as connection:
        cursor = await connection.execute("SELECT 1 FROM news WHERE id = ?", (news_id,))
        if await cursor.fetchone() is None:
            return False
        await connection.execute(
            "UPDATE broadcasts SET news_id = NULL WHERE news_id = ?", (news_id,)
        )
        await connection.execute("DELETE FROM news_texts WHERE news_id = ?", (news_id,))
        await connection.execute("DELETE FROM news WHERE id = ?", (news_id,))
        await connection.execute(
            "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, ?, ?, ?)",
            (now(), actor_id, "news.withdraw", f"#{news_id}"),
        )
    return True


async def _withdraw_answer(update: Update, context: ChatContext, news_id: int) -> str:
    t = context.t
    if not await withdraw(context.db, actor(update), news_id):
        return t.gettext(
            "There is no news item %(number)d (any more). Nothing was changed.", number=news_id
        )
    note_saved()
    return t.gettext(
        "News item %(number)d was withdrawn: it no longer shows under /status. "
        "Subscribers who received it keep their message.",
        number=news_id,
    )


async def news_command(update: Update, context: ChatContext) -> None:
    """/news Title | Text (with optional translation lines): publish to the archive."""
    if not await is_staff(update, context, "/news"):
        return
    t, procedure, message = context.t, context.procedure, update.effective_message
    default = procedure.default_language
    written = message.text or "" if message is not None else ""
    if len(written.split(maxsplit=1)) < 2:
        await send_text(update, context, usage(t, default))
        return
    if taken_back := _WITHDRAW.fullmatch(written.split(maxsplit=1)[1]):
        await send_text(
            update, context, await _withdraw_answer(update, context, int(taken_back[1]))
        )
        return
    parsed = parse_news(t, written, default, procedure.languages)
    if isinstance(parsed, str):
        await send_text(update, context, parsed + "\n\n" + usage(t, default))
        return
    # The draft is numbered by this message: delivered again, it makes the same draft.
    written_at = message.date if message is not None else datetime.now(UTC)
    number = message.message_id if message is not None else 0
    draft = Draft(number, written_at, parsed)
    await keep(context, actor(update), draft)
    await show(update, context, preview_screen(t, procedure, draft), edit=False)
