"""Reading the action fields: the list, and one field with its guiding goal and sub-goals."""

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.menu import back_to_menu
from bot.chat.screens import Screen, show
from bot.chat.text import escape
from bot.i18n import Translator
from bot.procedure import Field, Procedure
from bot.voting.buttons import FieldBallot, FieldList, FieldPage


def fields_screen(t: Translator, procedure: Procedure) -> Screen:
    """All action fields, one button each."""
    count = len(procedure.fields)
    text = "<b>{}</b>\n\n{}\n{}".format(
        t.gettext("Action fields"),
        t.ngettext(
            "The workshops wrote goals for %(count)d action field.",
            "The workshops wrote goals for %(count)d action fields.",
            count,
        ),
        t.gettext("Choose one to read its guiding goal and sub-goals."),
    )
    rows = [
        [Button(f"{t.numeral(str(n))}. {procedure.text(f.title, t.language)}", FieldPage(f))]
        for n, f in enumerate(procedure.fields, start=1)
    ]
    rows.append(back_to_menu(t))
    return Screen(text, rows)


def field_screen(t: Translator, procedure: Procedure, field: Field) -> Screen:
    """One action field: its guiding goal and numbered sub-goals."""
    number = procedure.fields.index(field) + 1
    lines = [
        f"<b>{t.numeral(str(number))}. {escape(procedure.text(field.title, t.language))}</b>",
        "",
        "<b>{}</b>".format(t.gettext("Guiding goal")),
        escape(procedure.text(field.guiding_goal, t.language)),
        "",
        "<b>{}</b>".format(t.gettext("Sub-goals")),
    ]
    lines += [
        f"{t.numeral(f'{number}.{n}')} {escape(procedure.text(goal.text, t.language))}"
        for n, goal in enumerate(field.goals, start=1)
    ]
    rows = [
        [Button(t.gettext("🗳 Set your priorities in this field"), FieldBallot(field))],
        [Button(t.gettext("📋 All action fields"), FieldList())],
        back_to_menu(t),
    ]
    return Screen("\n".join(lines), rows)


def fields_entry(t: Translator) -> Button:
    """The main menu's entry to the action fields."""
    return Button(t.gettext("📋 Action fields"), FieldList())


async def show_fields(update: Update, context: ChatContext) -> None:
    """Show the list of action fields."""
    await show(update, context, fields_screen(context.t, context.procedure))


async def show_field(update: Update, context: ChatContext) -> None:
    """Show one action field (its button names a field of the procedure)."""
    field = context.button(FieldPage).field
    await show(update, context, field_screen(context.t, context.procedure, field))
