"""/mydata: everything the bot stores about the resident, in their language, and as a JSON
file on request. The ballot is found through the voter key, as the bot itself finds it."""

import json
from datetime import datetime

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.menu import back_to_menu
from bot.chat.screens import Screen, answer_press, show
from bot.i18n import Translator, native_name
from bot.privacy.buttons import AskDelete, MyDataFile, PrivacyNotice
from bot.procedure import Procedure
from bot.voting.myballot import ballot_lines
from bot.voting.voter import key_of
from storage.privacy import StoredData, stored_data


def _moment(t: Translator, stamp: str | None) -> str:
    return t.datetime(datetime.fromisoformat(stamp)) if stamp else "–"


def _subscription_lines(t: Translator, data: StoredData) -> list[str]:
    subscription = data.subscription
    if subscription is None:
        return [t.gettext("You have not subscribed to the news.")]
    if subscription.active:
        lines = [
            t.gettext(
                "You get the news since %(date)s.", date=_moment(t, subscription.subscribed_at)
            ),
            t.gettext("Reminder before voting closes: on")
            if subscription.reminders
            else t.gettext("Reminder before voting closes: off"),
        ]
    else:
        ended = subscription.blocked_at or subscription.unsubscribed_at
        lines = [t.gettext("You stopped the news on %(date)s.", date=_moment(t, ended))]
    if data.pending_messages:
        lines.append(
            t.ngettext(
                "%(count)d news message is waiting to be sent to you.",
                "%(count)d news messages are waiting to be sent to you.",
                data.pending_messages,
            )
        )
    return lines


def mydata_screen(t: Translator, procedure: Procedure, data: StoredData) -> Screen:
    """Everything stored about the resident, section by section."""
    participant = data.participant
    lines = ["<b>{}</b>".format(t.gettext("Your data"))]
    if (
        participant is None
        and data.ballot.empty
        and data.subscription is None
        and not data.proposals
        and not data.budget.chosen
    ):
        lines.append(t.gettext("We store nothing about you."))
    if participant is not None:
        language = native_name(participant.language) if participant.language else "–"
        lines += [
            "",
            t.gettext("Telegram number: %(number)d", number=participant.user_id),
            t.gettext("Language: %(language)s", language=language),
            t.gettext("First used: %(date)s", date=_moment(t, participant.created_at)),
            t.gettext("Last change: %(date)s", date=_moment(t, participant.updated_at)),
            t.gettext("You agreed to vote on %(date)s.", date=_moment(t, participant.consent_at))
            if participant.consent_at
            else t.gettext("You have not agreed to vote."),
        ]
    lines += ["", "<b>{}</b>".format(t.gettext("News")), *_subscription_lines(t, data)]
    lines += ["", "<b>{}</b>".format(t.gettext("Your choices"))]
    if data.ballot.empty:
        lines.append(t.gettext("No choices are stored."))
    else:
        lines.append(
            t.gettext("Stored under a code; only this bot can find them, with its secret key.")
        )
        lines += ballot_lines(t, procedure, data.ballot)
    if procedure.measures is not None or data.proposals or data.budget.chosen:
        from bot.measures.mydata_part import measures_lines  # it uses voting's screens

        lines += measures_lines(t, procedure, data)
    rows = [
        [Button(t.gettext("📄 As a file"), MyDataFile())],
        [Button(t.gettext("🗑 Delete my data"), AskDelete())],
        [Button(t.gettext("🔒 Privacy"), PrivacyNotice())],
        back_to_menu(t),
    ]
    return Screen("\n".join(lines), rows)


def as_json(procedure: Procedure, data: StoredData) -> str:
    """Everything stored about the resident as a JSON document (machine-readable)."""
    participant, subscription, ballot = data.participant, data.subscription, data.ballot
    document: dict[str, object] = {
        "procedure": procedure.id,
        "participant": None
        if participant is None
        else {
            "telegram_user_id": participant.user_id,
            "chat_id": participant.chat_id,
            "language": participant.language,
            "first_used": participant.created_at,
            "last_change": participant.updated_at,
            "consent_given": participant.consent_at,
            "voted": participant.voted,
        },
        "subscription": None
        if subscription is None
        else {
            "active": subscription.active,
            "reminder_before_close": subscription.reminders,
            "subscribed": subscription.subscribed_at,
            "unsubscribed": subscription.unsubscribed_at,
            "blocked": subscription.blocked_at,
            "news_messages_waiting": data.pending_messages,
        },
        "ballot": {
            "choices": {field: dict(goals) for field, goals in ballot.weights.items() if goals},
            "no_preference": sorted(ballot.abstained),
            "order_of_action_fields": list(ballot.ranking),
        },
    }
    if procedure.measures is not None or data.proposals or data.budget.chosen:
        from bot.measures.mydata_part import measures_document

        document.update(measures_document(data))
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


async def _data(update: Update, context: ChatContext) -> StoredData | None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    return await stored_data(context.db, user.id, chat.id, key_of(update, context))


async def show_mydata(update: Update, context: ChatContext) -> None:
    """/mydata and its buttons."""
    data = await _data(update, context)
    if data is not None:
        await show(update, context, mydata_screen(context.t, context.procedure, data))


async def send_mydata_file(update: Update, context: ChatContext) -> None:
    """The same as a JSON file."""
    data = await _data(update, context)
    chat = update.effective_chat
    await answer_press(update, context)
    if data is None or chat is None:
        return
    document = as_json(context.procedure, data).encode("utf-8")
    await chat.send_document(
        document, filename="my-data.json", caption=context.t.bidi(context.t.gettext("Your data"))
    )
