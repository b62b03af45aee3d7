"""Staff review proposals in the chat: `/proposals` lists those waiting for review (paged);
one opened shows its field, sub-goal, title and description as written (escaped), the
language, and the decisions that fit its state: approve with a cost estimate, reject with a
reason, merge into an approved measure, set the cost, add a translation. The decisions
themselves are in bot/measures/review_decisions.py.

    /proposals                                        the proposals waiting for review
    /proposals translate <number> <language> Title | Description

Staff only (bot/chat/staff.py): for everyone else the command is unknown, and a forged
button of the review is out of date; nothing changes.
"""

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.fallback import stale_text
from bot.chat.screens import Screen, send_text, show
from bot.chat.staff import is_staff
from bot.chat.text import escape
from bot.i18n import Translator, native_name
from bot.measures.proposal_buttons import (
    REASONS,
    MergeInto,
    RejectReason,
    Review,
    ReviewList,
    ReviewStep,
    TranslateInto,
)
from bot.measures.proposal_screens import (
    reason_label,
    short,
    state_line,
    text_lines,
    where_lines,
    written_in,
)
from bot.measures.writing import prompt, tag
from bot.procedure import Procedure
from storage import measures as stored
from storage.measures import APPROVED, PENDING, Measure

PAGE = 8  # measures per page of the list


def staff_only(update: Update, context: ChatContext) -> bool:
    """True when a staff member pressed (review buttons are staff's; others' are forged)."""
    user = update.effective_user
    return user is not None and context.services.is_staff(user.id)


def usage(t: Translator) -> str:
    """How to add a translation by command."""
    return "\n".join(
        [
            t.gettext("Add a translation of a measure:"),
            "/proposals translate {} {} {}".format(
                t.gettext("NUMBER"), t.gettext("LANGUAGE"), t.gettext("Title | Description")
            ),
        ]
    )


def list_screen(
    t: Translator, procedure: Procedure, found: list[Measure], approved: bool, page: int
) -> Screen:
    """A page of the proposals waiting for review (or of the approved measures)."""
    pages = max(1, (len(found) + PAGE - 1) // PAGE)
    page = min(page, pages)
    if approved:
        heading = t.gettext("Approved measures: %(count)d", count=len(found))
    else:
        heading = t.gettext("Proposals waiting for review: %(count)d", count=len(found))
    lines = [f"<b>{heading}</b>"]
    if pages > 1:
        lines.append(t.gettext("Page %(page)d of %(pages)d", page=page, pages=pages))
    lines += ["", escape(usage(t))]
    rows: list[list[Button]] = []
    for measure in found[(page - 1) * PAGE : page * PAGE]:
        title = measure.text(measure.language)[0].title
        label = f"{t.numeral(f'#{measure.id}')} · {short(title, 36)}"
        rows.append([Button(label, Review(measure.id))])
    paging = []
    if page > 1:
        paging.append(Button("⬅", ReviewList(approved, page - 1)))
    if page < pages:
        paging.append(Button("➡", ReviewList(approved, page + 1)))
    if paging:
        rows.append(paging)
    if approved:
        rows.append([Button(t.gettext("⏳ Waiting for review"), ReviewList(False, 1))])
    else:
        rows.append([Button(t.gettext("✅ Approved measures"), ReviewList(True, 1))])
    return Screen("\n".join(lines), rows)


def detail_screen(t: Translator, procedure: Procedure, measure: Measure, note: str = "") -> Screen:
    """One measure for staff: as written, its state, and the decisions that fit it."""
    measures = procedure.measures
    assert measures is not None
    original = measure.text(measure.language)[0]
    lines = [
        "<b>{}</b>".format(t.gettext("Measure #%(number)d", number=measure.id)),
        state_line(t, measures, measure),
        "",
        *where_lines(t, procedure, measure.field_id, measure.goal_id),
        written_in(t, measure.language),
        "",
        *text_lines(original.title, original.description),
        "",
    ]
    others = sorted(code for code in measure.texts if code != measure.language)
    if others:
        names = t.listed(native_name(code) for code in others)
        lines.append(t.gettext("Translations: %(languages)s", languages=names))
    else:
        lines.append(
            t.gettext(
                "No translations yet: readers of other languages see it as written, with a note."
            )
        )
    if measure.origin == "file":
        lines.append(
            t.gettext(
                "From the procedure file: its text and cost there replace changes made here "
                "at the next start."
            )
        )
    if note:
        lines += ["", note]
    rows: list[list[Button]] = []
    if measure.state == PENDING:
        rows.append([Button(t.gettext("✅ Approve"), ReviewStep(measure.id, "approve"))])
        rows.append([Button(t.gettext("❌ Reject"), ReviewStep(measure.id, "reject"))])
        rows.append([Button(t.gettext("🔗 Merge into …"), ReviewStep(measure.id, "merge"))])
    if measure.state == APPROVED:
        rows.append([Button(t.gettext("💶 Set cost"), ReviewStep(measure.id, "cost"))])
    if measure.state in (PENDING, APPROVED):
        rows.append([Button(t.gettext("🌐 Add translation"), ReviewStep(measure.id, "translate"))])
    back = t.gettext("⬅ Back to the list")
    rows.append([Button(back, ReviewList(measure.state == APPROVED, 1))])
    return Screen("\n".join(lines), rows)


async def proposals_command(update: Update, context: ChatContext) -> None:
    """/proposals (staff): the list, or `translate` a measure."""
    from bot.measures.review_decisions import translate_command

    if not await is_staff(update, context, "/proposals"):
        return
    message = update.effective_message
    words = (message.text or "").split(maxsplit=1) if message is not None else []
    rest = words[1] if len(words) > 1 else ""
    if rest.split(maxsplit=1)[:1] == ["translate"]:
        await send_text(update, context, await translate_command(update, context, rest))
        return
    pending = await stored.in_state(context.db, PENDING)
    await show(update, context, list_screen(context.t, context.procedure, pending, False, 1))


async def list_pressed(update: Update, context: ChatContext) -> str | None:
    """A page of one of the two lists."""
    if not staff_only(update, context):
        return stale_text(context.t)
    pressed = context.button(ReviewList)
    state = APPROVED if pressed.approved else PENDING
    found = await stored.in_state(context.db, state)
    screen = list_screen(context.t, context.procedure, found, pressed.approved, pressed.page)
    await show(update, context, screen)
    return None


async def show_measure(
    update: Update, context: ChatContext, measure_id: int, note: str = ""
) -> str | None:
    """One measure's review screen (an alert when there is no such measure)."""
    measure = await stored.get(context.db, measure_id)
    if measure is None:
        return stale_text(context.t)
    await show(update, context, detail_screen(context.t, context.procedure, measure, note))
    return None


async def review_pressed(update: Update, context: ChatContext) -> str | None:
    """A measure from the list."""
    if not staff_only(update, context):
        return stale_text(context.t)
    return await show_measure(update, context, context.button(Review).measure_id)


async def step_pressed(update: Update, context: ChatContext) -> str | None:
    """Begin a decision: ask for the cost, the reason, the target or the language."""
    t, procedure = context.t, context.procedure
    measures = procedure.measures
    if not staff_only(update, context) or measures is None:
        return stale_text(t)
    pressed = context.button(ReviewStep)
    measure = await stored.get(context.db, pressed.measure_id)
    if measure is None:
        return stale_text(t)
    wanted = {"approve": PENDING, "reject": PENDING, "merge": PENDING, "cost": APPROVED}
    if pressed.step in wanted and measure.state != wanted[pressed.step]:
        return t.gettext("This measure was decided already. Nothing was changed.")
    cancel = [Button(t.gettext("✖ Cancel"), Review(measure.id))]
    if pressed.step in ("approve", "cost"):
        limit = min(measures.budget, measures.max_cost or measures.budget)
        text = t.gettext(
            "Type the estimated cost of measure #%(number)d as a whole number (at most "
            "%(amount)s).",
            number=measure.id,
            amount=t.money(limit, measures.currency),
        )
        what = tag("cost", measure.id, pressed.step)
        await prompt(update, context, Screen(text, [cancel]), what)
    elif pressed.step == "reject":
        text = t.gettext(
            "Why is measure #%(number)d not accepted? The proposer is told the reason in "
            "their language.",
            number=measure.id,
        )
        rows = [[Button(reason_label(t, r), RejectReason(measure.id, r, False))] for r in REASONS]
        await show(update, context, Screen(text, [*rows, cancel]))
    elif pressed.step == "merge":
        await show(update, context, await _merge_screen(context, measure, cancel))
    else:
        text = t.gettext("Which language do you want to add?")
        rows = [
            [
                Button(
                    ("✅ " if code in measure.texts else "") + native_name(code),
                    TranslateInto(measure.id, code),
                )
            ]
            for code in procedure.languages
            if code != measure.language
        ]
        await show(update, context, Screen(text, [*rows, cancel]))
    return None


async def _merge_screen(context: ChatContext, measure: Measure, cancel: list[Button]) -> Screen:
    t = context.t
    targets = [
        m
        for m in await stored.in_state(context.db, APPROVED, measure.field_id)
        if m.id != measure.id
    ]
    if not targets:
        text = t.gettext("There is no approved measure in this action field yet.")
        return Screen(text, [cancel])
    text = t.gettext(
        "Measure #%(number)d is a duplicate of which approved measure? The proposer is told.",
        number=measure.id,
    )
    rows = [
        [
            Button(
                f"{t.numeral(f'#{m.id}')} · {short(m.text(t.language)[0].title, 36)}",
                MergeInto(measure.id, m.id),
            )
        ]
        for m in targets
    ]
    return Screen(text, [*rows, cancel])
