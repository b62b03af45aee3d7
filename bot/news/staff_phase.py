"""Staff command /phase (only BOT_ADMINS): where the procedure stands, set by hand if needed.

    /phase                           the phases with their ids and states, and how to change
    /phase set <id>                  make this the current phase (wins over the dates)
    /phase auto                      follow the dates again
    /phase postpone <id> <reason…>   mark a phase postponed; residents see the reason
    /phase cancel <id> <reason…>     mark a phase cancelled (for the time being)
    /phase resume <id>               take the postponed or cancelled mark away

A reason is written in the default language; translations follow on their own lines as /news
takes them ("en: Pandemic"), and residents read the reason in their language.

Every change is stored (it survives a restart) and audited; an unknown phase id or a missing
reason gets a clear answer and changes nothing, and so does asking for what is so already (a
command delivered twice is audited once).
"""

from datetime import UTC, datetime

from telegram import Update

from bot.chat.context import ChatContext
from bot.chat.screens import send_text
from bot.chat.staff import actor, is_staff
from bot.chat.text import escape
from bot.chat.updates import note_saved
from bot.i18n import Translator, native_name
from bot.news import timeline as timelines
from bot.news.staff_news import _blocks
from bot.news.status import MARKS, period, reason_line
from bot.news.timeline import Timeline
from bot.procedure import Procedure

MAX_REASON = 200  # characters; the reason is shown in /status under the phase


def placeholders(t: Translator) -> str:
    """ "ID REASON" in the reader's language."""
    return "{} {}".format(t.gettext("ID"), t.gettext("REASON"))


def parse_reason(
    t: Translator, written: str, default: str, offered: tuple[str, ...]
) -> dict[str, str] | str:
    """The reason per language from `/phase postpone ID reason` and its translation lines, or
    what is wrong with it."""
    parts = written.split(maxsplit=3)
    rest = parts[3] if len(parts) > 3 else ""
    blocks = _blocks(rest, default, offered)
    if isinstance(blocks, str):
        return t.gettext(
            "%(language)s is given twice. Nothing was changed.", language=native_name(blocks)
        )
    texts = {language: " ".join(" ".join(lines).split()) for language, lines in blocks.items()}
    if any(not text or len(text) > MAX_REASON for text in texts.values()):
        return ""
    return texts


def phases_text(t: Translator, procedure: Procedure, line: Timeline) -> str:
    """The phases with mark, id, title and days; who decides the current phase; the commands."""
    lines = ["<b>{}</b>".format(t.gettext("Phases"))]
    for entry in line.phases:
        title = escape(procedure.text(entry.phase.title, t.language))
        days = period(t, entry.phase, procedure)
        lines.append(f"{MARKS[entry.state]} <code>{entry.phase.id}</code> – {title} ({days})")
        if reason := reason_line(t, entry, procedure):
            lines.append(reason)
    lines.append("")
    if line.explicit:
        lines.append(t.gettext("The current phase was set by staff."))
    else:
        lines.append(t.gettext("The current phase follows the dates."))
    lines += [
        "",
        "/phase set {} – ".format(t.gettext("ID")) + t.gettext("make this the current phase"),
        "/phase auto – " + t.gettext("follow the dates again"),
        f"/phase postpone {placeholders(t)} – " + t.gettext("mark a phase postponed"),
        f"/phase cancel {placeholders(t)} – " + t.gettext("mark a phase cancelled"),
        "/phase resume {} – ".format(t.gettext("ID"))
        + t.gettext("take the postponed or cancelled mark away"),
        t.gettext("Translations of a reason follow on their own lines, like: en: Pandemic"),
    ]
    return "\n".join(lines)


async def _change(update: Update, context: ChatContext, words: list[str]) -> str:
    """Apply one /phase change; return the answer for staff (a refusal changes nothing)."""
    t, db, procedure, who = context.t, context.db, context.procedure, actor(update)
    choice = words[0].lower() if words else ""
    # What staff ask for may be so already (the same command again, or delivered again after
    # a crash): then nothing is written or audited, and the answer is the same.
    decided = await timelines.overrides(db)
    if choice == "auto":
        if decided.current is not None:
            await timelines.set_current(db, who, None)
            note_saved()
        return t.gettext("The current phase follows the dates again.")
    if choice not in ("set", "postpone", "cancel", "resume"):
        return t.gettext(
            "Unknown choice. Use /phase set, /phase auto, /phase postpone, /phase cancel or "
            "/phase resume."
        )
    phase_id = words[1].lower() if len(words) > 1 else ""
    if not phase_id:
        example = f"/phase {choice} " + (
            placeholders(t) if choice in ("postpone", "cancel") else t.gettext("ID")
        )
        return t.gettext(
            "Please name the phase, like this: %(example)s. The phases are: %(ids)s.",
            example=example,
            ids=", ".join(p.id for p in procedure.phases),
        )
    phase = next((p for p in procedure.phases if p.id == phase_id), None)
    if phase is None:
        ids = ", ".join(p.id for p in procedure.phases)
        return t.gettext(
            "There is no phase “%(id)s”. The phases are: %(ids)s. Nothing was changed.",
            id=escape(phase_id[:24]),
            ids=ids,
        )
    title = escape(procedure.text(phase.title, t.language))
    if choice == "set":
        if decided.current != phase.id or phase.id in decided.postponed:
            await timelines.set_current(db, who, phase.id)
            note_saved()
        return t.gettext("The current phase is now: %(phase)s.", phase=title)
    if choice == "resume":
        if phase.id in decided.cancelled:
            await timelines.uncancel(db, who, phase.id)
            note_saved()
            return t.gettext("%(phase)s is no longer marked cancelled.", phase=title)
        if phase.id not in decided.postponed and phase.cancelled is not None:
            return t.gettext(
                "%(phase)s is marked cancelled in the procedure file. Nothing was changed; "
                "/phase set %(id)s makes it the current phase.",
                phase=title,
                id=phase.id,
            )
        if phase.id not in decided.postponed:
            return t.gettext("%(phase)s is not marked postponed. Nothing was changed.", phase=title)
        await timelines.resume(db, who, phase.id)
        note_saved()
        return t.gettext("%(phase)s is no longer marked postponed.", phase=title)
    message = update.effective_message
    written = (message.text or "") if message is not None else " ".join(["/phase", *words])
    parsed = parse_reason(t, written, procedure.default_language, procedure.languages)
    if isinstance(parsed, str):
        return parsed or t.gettext(
            "Please give a reason of at most %(max)d characters, like this: "
            "/phase %(choice)s %(id)s The workshops cannot take place.",
            max=MAX_REASON,
            choice=choice,
            id=phase.id,
        )
    reason = timelines.reasons(parsed)
    if choice == "cancel":
        if decided.cancelled.get(phase.id) != reason:
            await timelines.cancel(db, who, phase.id, reason)
            note_saved()
        return t.gettext("%(phase)s is marked cancelled. /status shows the reason.", phase=title)
    if decided.postponed.get(phase.id) != reason:
        await timelines.postpone(db, who, phase.id, reason)
        note_saved()
    return t.gettext("%(phase)s is marked postponed. /status shows the reason.", phase=title)


async def phase_command(update: Update, context: ChatContext) -> None:
    """/phase [set ID | auto | postpone ID REASON | cancel ID REASON | resume ID]."""
    if not await is_staff(update, context, "/phase"):
        return
    words = list(context.args or [])
    answer = await _change(update, context, words) if words else None
    procedure = context.procedure
    decided = await timelines.overrides(context.db)
    line = timelines.timeline(procedure.phases, procedure.timezone, decided, datetime.now(UTC))
    text = (answer + "\n\n" if answer else "") + phases_text(context.t, procedure, line)
    await send_text(update, context, text)
