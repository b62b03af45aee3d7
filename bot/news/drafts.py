"""A news item is shown to staff before it is published: `/news Title | Text` stores a
draft and shows it as residents will see it, with "Publish" and "Cancel".

The draft is kept in the database (one per staff member, the latest one), so a restart
between writing and publishing loses nothing. It is numbered by the staff message that wrote
it: the same message delivered again (after a crash) makes the same draft, and its buttons
still work. Once answered, a draft's buttons publish nothing new: a second "Publish" shows the
same answer again (the item is published once), a press on an older or cancelled draft is
told so.
"""

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.screens import Screen, show
from bot.chat.staff import actor
from bot.chat.updates import note_saved
from bot.i18n import Translator, native_name
from bot.news.buttons import NewsDraft
from bot.news.items import news_text
from bot.procedure import Procedure
from storage import bot_state, news
from storage.news import NewsItem, NewsText

PUBLISHED, CANCELLED = "published", "cancelled"
# An item with the same texts by the same author published this long before the draft was
# written is taken for this one (the clocks of Telegram and the server may differ a little).
SAME_NEWS_WITHIN = timedelta(minutes=10)


@dataclass(frozen=True)
class Draft:
    """A news item written by staff and not yet published (or the answer it got)."""

    number: int  # the staff message that wrote it
    written_at: datetime  # when that message was written: a redelivered one finds its item
    texts: dict[str, NewsText]
    answer: str = ""  # "", PUBLISHED or CANCELLED
    news_id: int = 0  # the published item

    def dump(self) -> str:
        """The draft as stored (JSON)."""
        return json.dumps(
            {
                "number": self.number,
                "written_at": self.written_at.isoformat(),
                "texts": {k: [v.title, v.body] for k, v in self.texts.items()},
                "answer": self.answer,
                "news_id": self.news_id,
            },
            ensure_ascii=False,
        )

    @classmethod
    def load(cls, stored: str) -> "Draft":
        """A stored draft."""
        data = json.loads(stored)
        return cls(
            number=int(data["number"]),
            written_at=datetime.fromisoformat(data["written_at"]),
            texts={k: NewsText(v[0], v[1]) for k, v in data["texts"].items()},
            answer=str(data["answer"]),
            news_id=int(data["news_id"]),
        )


def _key(staff_id: int | None) -> str:
    return f"news.draft.{staff_id}"


async def keep(context: ChatContext, staff_id: int | None, draft: Draft) -> None:
    """Store the staff member's latest draft (replacing an earlier one)."""
    await bot_state.put(context.db, _key(staff_id), draft.dump())


async def _stored(context: ChatContext, staff_id: int | None) -> Draft | None:
    stored = await bot_state.get(context.db, _key(staff_id))
    return Draft.load(stored) if stored is not None else None


def preview_screen(t: Translator, procedure: Procedure, draft: Draft) -> Screen:
    """The item as residents will see it under /status (in the staff member's language when
    written in it, else in the default language), the languages it is written in, and the
    two buttons."""
    item = NewsItem(0, draft.written_at.isoformat(), None, None, draft.texts)
    default = procedure.default_language
    languages = ", ".join(native_name(code) for code in sorted(draft.texts))
    missing = [code for code in procedure.languages if code not in draft.texts]
    lines = [
        "<b>{}</b>".format(t.gettext("Preview: residents will see this news item under /status.")),
        "",
        news_text(t, procedure, item),
        "",
        t.gettext("Written in: %(languages)s.", languages=languages),
    ]
    if missing:
        lines.append(
            t.ngettext(
                "%(count)d language is missing: its readers get the text in %(default)s, "
                "with a note.",
                "%(count)d languages are missing: their readers get the text in %(default)s, "
                "with a note.",
                len(missing),
                default=native_name(default),
            )
        )
    rows = [
        [Button(t.gettext("✅ Publish"), NewsDraft(draft.number, True))],
        [Button(t.gettext("✖ Cancel"), NewsDraft(draft.number, False))],
    ]
    return Screen("\n".join(lines), rows)


def published_text(t: Translator, procedure: Procedure, draft: Draft) -> str:
    """What staff read once the item is published."""
    languages = ", ".join(native_name(code) for code in sorted(draft.texts))
    return t.gettext(
        "Published as news item %(number)d in: %(languages)s. Residents see it under /status.",
        number=draft.news_id,
        languages=languages,
    )


async def draft_pressed(update: Update, context: ChatContext) -> str | None:
    """Publish or Cancel under a preview; an alert when that draft is not the one to answer."""
    pressed = context.button(NewsDraft)
    t, procedure = context.t, context.procedure
    staff_id = actor(update)
    if staff_id is None or not context.services.is_staff(staff_id):
        return t.gettext("This button is out of date. Please use the latest message or /start.")
    draft = await _stored(context, staff_id)
    if draft is None or draft.number != pressed.preview:
        return t.gettext("This preview was answered already.")
    if draft.answer == PUBLISHED and pressed.send:
        # Pressed twice, or delivered again after a crash: the same answer, nothing new.
        await show(update, context, Screen(published_text(t, procedure, draft)))
        return None
    if draft.answer:
        return t.gettext("This preview was answered already.")
    if not pressed.send:
        await keep(context, staff_id, replace(draft, answer=CANCELLED))
        await show(update, context, Screen(t.gettext("Not published. Nothing was changed.")))
        return None
    since = draft.written_at - SAME_NEWS_WITHIN
    news_id, _ = await news.publish_once(context.db, staff_id, draft.texts, since=since)
    done = replace(draft, answer=PUBLISHED, news_id=news_id)
    await keep(context, staff_id, done)
    note_saved()
    await show(update, context, Screen(published_text(t, procedure, done)))
    return None
