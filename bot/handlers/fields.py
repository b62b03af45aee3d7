"""Reading the action fields: the list, and one field with its guiding goal and sub-goals."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.menu import back_to_menu
from bot.i18n import Translator
from bot.keyboards import button
from bot.procedure import Field, Procedure
from bot.services import services, translator
from bot.view import Screen, escape, show


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
        [button(f"{n}. {procedure.text(f.title, t.language)}", "field", f.id)]
        for n, f in enumerate(procedure.fields, start=1)
    ]
    rows.append(back_to_menu(t))
    return Screen(text, rows)


def field_screen(t: Translator, procedure: Procedure, field: Field) -> Screen:
    """One action field: its guiding goal and numbered sub-goals."""
    number = procedure.fields.index(field) + 1
    lines = [
        f"<b>{number}. {escape(procedure.text(field.title, t.language))}</b>",
        "",
        "<b>{}</b>".format(t.gettext("Guiding goal")),
        escape(procedure.text(field.guiding_goal, t.language)),
        "",
        "<b>{}</b>".format(t.gettext("Sub-goals")),
    ]
    lines += [
        f"{number}.{n} {escape(procedure.text(goal.text, t.language))}"
        for n, goal in enumerate(field.goals, start=1)
    ]
    rows = [
        [button(t.gettext("🗳 Set your priorities in this field"), "ballot", field.id)],
        [button(t.gettext("📋 All action fields"), "fields")],
        back_to_menu(t),
    ]
    return Screen("\n".join(lines), rows)


async def fields_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the list of action fields."""
    t = await translator(update, context)
    await show(update, fields_screen(t, services(context).procedure), t, edit=True, context=context)


async def field_button(update: Update, context: ContextTypes.DEFAULT_TYPE, field: Field) -> None:
    """Show one action field (the router has checked that it exists)."""
    t = await translator(update, context)
    await show(
        update, field_screen(t, services(context).procedure, field), t, edit=True, context=context
    )
