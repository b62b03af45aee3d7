"""/delete and withdrawing consent: each asks first and says what will happen, then does it in
one transaction (storage/privacy.py).

Deleting erases everything about the resident: afterwards the bot treats them as a newcomer.
Withdrawing consent erases their ballot and consent and keeps their language and their
subscription (which they chose separately). Both work whether voting is open or closed: the
results drop the ballot at once.
"""

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.menu import back_to_menu
from bot.chat.screens import Screen, show
from bot.chat.updates import note_saved
from bot.i18n import Translator
from bot.privacy.buttons import Delete, MyData, Withdraw
from bot.voting.voter import key_of
from storage import privacy


def delete_question(t: Translator, measures: bool = False) -> Screen:
    """What /delete will erase, and the two answers; `measures`: the procedure has a measures
    round (proposals and the budget ballot)."""
    round_part = (
        [
            "• "
            + t.gettext(
                "your proposals for measures. Approved proposals stay, no longer linked to you: "
                "other residents may have chosen them;"
            )
        ]
        if measures
        else []
    )
    text = "\n".join(
        [
            "<b>{}</b>".format(t.gettext("Delete my data")),
            t.gettext("This deletes everything we store about you:"),
            "• " + t.gettext("your language setting and when you used the bot;"),
            "• " + t.gettext("your consent and all your choices (the results drop them at once);"),
            *round_part,
            "• " + t.gettext("your news subscription, reminders and news waiting for you."),
            "",
            t.gettext("This cannot be undone. You can start again later, as a new user."),
        ]
    )
    rows = [
        [Button(t.gettext("🗑 Yes, delete everything"), Delete(True))],
        [Button(t.gettext("✖ No, keep my data"), Delete(False))],
    ]
    return Screen(text, rows)


def withdraw_question(t: Translator) -> Screen:
    """What withdrawing consent means, and the two answers."""
    text = "\n".join(
        [
            "<b>{}</b>".format(t.gettext("Withdraw my consent")),
            t.gettext(
                "Your choices will be deleted, and the results drop them at once. Your "
                "language and your news subscription stay. You can agree again later."
            ),
        ]
    )
    rows = [
        [Button(t.gettext("↩ Yes, withdraw my consent"), Withdraw(True))],
        [Button(t.gettext("✖ No, keep my choices"), Withdraw(False))],
    ]
    return Screen(text, rows)


async def ask_delete(update: Update, context: ChatContext) -> None:
    """/delete and the button: the question first."""
    measures = context.procedure.measures is not None
    await show(update, context, delete_question(context.t, measures))


async def answer_delete(update: Update, context: ChatContext) -> str | None:
    """Delete everything (yes), or keep it (no)."""
    t = context.t
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    if not context.button(Delete).on:
        await show(update, context, Screen(t.gettext("Nothing was deleted."), [back_to_menu(t)]))
        return None
    erased = await privacy.erase(context.db, user.id, chat.id, key_of(update, context))
    note_saved()
    done = (
        t.gettext(
            "Everything we stored about you is deleted. If you write to me again, I start "
            "afresh. Goodbye!"
        )
        if erased
        else t.gettext("There was nothing stored about you.")
    )
    # No menu under it: a button would store the resident again at once.
    await show(update, context, Screen(done))
    return None


async def ask_withdraw(update: Update, context: ChatContext) -> str | None:
    """The question before withdrawing consent (only for residents who agreed)."""
    if not context.reader.consented:
        return context.t.gettext("You have not agreed to vote, so there is nothing to withdraw.")
    await show(update, context, withdraw_question(context.t))
    return None


async def answer_withdraw(update: Update, context: ChatContext) -> str | None:
    """Withdraw consent (yes), or keep taking part (no)."""
    t = context.t
    user = update.effective_user
    if user is None:
        return None
    if not context.button(Withdraw).on:
        await show(update, context, Screen(t.gettext("Nothing was changed."), [back_to_menu(t)]))
        return None
    await privacy.withdraw_consent(context.db, user.id, key_of(update, context))
    note_saved()
    text = t.gettext(
        "Your consent is withdrawn and your choices are deleted. Your language and news "
        "subscription stay."
    )
    rows = [[Button(t.gettext("🧾 My data"), MyData())], back_to_menu(t)]
    await show(update, context, Screen(text, rows))
    return None
