"""The screens of choosing measures within the budget, as data: the fields with how much is
chosen, one field's approved measures (in pages that fit a message), the end, the closed
window, and the selection as /myballot and /mydata list it.

Every screen carries the budget line ("62.000 € of 100.000 € used · 38.000 € left"), amounts
in the reader's locale (Babel). A measure's text is in the reader's language where staff
translated it, else in the language it was written in, with one note per screen. What
residents wrote is escaped: it is shown as plain text.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.chat.buttons import Button
from bot.chat.menu import back_to_menu
from bot.chat.screens import Screen
from bot.chat.text import escape, visible_length
from bot.i18n import Translator
from bot.measures.budget_buttons import BudgetDone, BudgetField, BudgetPick
from bot.measures.buttons import BudgetStart, MeasuresHome
from bot.procedure import Field, Measures, Procedure
from bot.voting.ballot import goal_label
from bot.voting.end import ways_on
from storage.measures import BudgetBallot, Measure

# A title in a button: as long as a sub-goal's short label (the procedure's limit), so that
# "☐ #12 " and the title fit a phone's width.
LABEL_CHARS = 30
PAGE_CHARS = 3000  # measures' text per page: the rest of a message (4096) is for the frame
PAGE_MEASURES = 8  # buttons per page, so the keyboard stays on one phone screen


def budget_line(t: Translator, measures: Measures, spent: int) -> str:
    """ "62.000 € of 100.000 € used · 38.000 € left" in the reader's language."""
    money = measures.currency
    return t.gettext(
        "%(used)s of %(budget)s used · %(left)s left",
        used=t.money(spent, money),
        budget=t.money(measures.budget, money),
        left=t.money(measures.budget - spent, money),
    )


def trimmed(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word where possible, with "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:-") + "…"


def title_of(t: Translator, measure: Measure) -> tuple[str, bool]:
    """The measure's title in the reader's language, and whether it had to fall back."""
    text, language = measure.text(t.language)
    return text.title, language != t.language


def untranslated_note(t: Translator, numbers: Sequence[int]) -> list[str]:
    """One line for the measures shown in another language than the reader's (or none)."""
    if not numbers:
        return []
    listed = t.listed(t.numeral(f"#{n}") for n in numbers)
    note = t.ngettext(
        "(Measure %(numbers)s is not yet available in your language.)",
        "(Measures %(numbers)s are not yet available in your language.)",
        len(numbers),
        numbers=listed,
    )
    return ["", f"<i>{note}</i>"]


@dataclass(frozen=True)
class FieldMeasures:
    """One action field and its approved measures (in id order)."""

    number: int  # the field's number in the procedure, from 1
    field: Field
    measures: tuple[Measure, ...]


def by_field(procedure: Procedure, approved: Sequence[Measure]) -> list[FieldMeasures]:
    """The procedure's fields with their approved measures that have a cost (a measure of a
    field the procedure no longer has is not shown)."""
    return [
        FieldMeasures(
            number,
            field,
            tuple(m for m in approved if m.field_id == field.id and m.cost is not None),
        )
        for number, field in enumerate(procedure.fields, start=1)
    ]


def goal_text(t: Translator, procedure: Procedure, field: Field, goal_id: str) -> str:
    """The sub-goal a measure serves: its number and short label ("1.2 Parents' café")."""
    number = procedure.fields.index(field) + 1
    for n, goal in enumerate(field.goals, start=1):
        if goal.id == goal_id:
            return goal_label(t, procedure, goal, t.numeral(f"{number}.{n}"))
    return ""


def measure_block(
    t: Translator, procedure: Procedure, measures: Measures, field: Field, measure: Measure,
    chosen: bool,
) -> str:  # fmt: skip
    """A measure in the message: number and title, cost and sub-goal, the description."""
    text, _ = measure.text(t.language)
    mark = "✅ " if chosen else ""
    lines = [f"{mark}<b>{t.numeral(f'#{measure.id}')} {escape(text.title)}</b>"]
    cost = t.money(measure.cost or 0, measures.currency)
    goal = goal_text(t, procedure, field, measure.goal_id)
    if goal:
        lines.append(t.gettext("%(cost)s · sub-goal %(goal)s", cost=cost, goal=escape(goal)))
    else:
        lines.append(cost)
    if text.description:
        lines.append(escape(text.description))
    return "\n".join(lines)


def pages(blocks: Sequence[str]) -> list[list[int]]:
    """The blocks' indexes split into pages that fit one message and one phone screen."""
    found: list[list[int]] = [[]]
    used = 0
    for index, block in enumerate(blocks):
        size = visible_length(block) + 2
        page = found[-1]
        if page and (used + size > PAGE_CHARS or len(page) >= PAGE_MEASURES):
            found.append([])
            used = 0
        found[-1].append(index)
        used += size
    return found


def page_of(t: Translator, procedure: Procedure, measures: Measures, group: FieldMeasures,
            chosen: frozenset[int], measure_id: int) -> int:  # fmt: skip
    """The page of the field's screen on which a measure is."""
    blocks = [
        measure_block(t, procedure, measures, group.field, m, m.id in chosen)
        for m in group.measures
    ]
    for number, page in enumerate(pages(blocks)):
        if any(group.measures[i].id == measure_id for i in page):
            return number
    return 0


def _closes_line(t: Translator, closes: datetime) -> str:
    return t.gettext("Choosing measures is open until %(date)s.", date=t.datetime(closes))


def fields_screen(t: Translator, procedure: Procedure, measures: Measures,
                  groups: Sequence[FieldMeasures], ballot: BudgetBallot,
                  closes: datetime) -> Screen:  # fmt: skip
    """The way in: what to do, the budget line, each field with its measures and choices."""
    lines = [
        "<b>{}</b>".format(t.gettext("Choose measures")),
        t.gettext(
            "Choose the measures you want the city to carry out. Together they may cost at "
            "most the budget. You can change your choice until the end."
        ),
        "",
        budget_line(t, measures, ballot.spent),
        "",
    ]
    rows: list[list[Button]] = []
    for group in groups:
        title = procedure.text(group.field.title, t.language)
        selected = sum(m.id in ballot.chosen for m in group.measures)
        count = t.ngettext(
            "%(count)d measure, %(selected)d chosen",
            "%(count)d measures, %(selected)d chosen",
            len(group.measures),
            selected=selected,
        )
        lines.append(f"{t.numeral(str(group.number))}. {escape(title)}: {count}")
        if group.measures:
            mark = "✅ " if selected else "▫️ "
            counted = t.numeral(f"({selected}/{len(group.measures)})")  # chosen of the field's
            label = f"{mark}{t.numeral(str(group.number))}. {trimmed(title, LABEL_CHARS)} {counted}"
            rows.append([Button(label, BudgetField(group.field))])
    if not any(group.measures for group in groups):
        lines += ["", t.gettext("There are no measures to choose yet.")]
    lines += ["", _closes_line(t, closes)]
    if ballot.chosen:
        rows.append([Button(t.gettext("🏁 Done"), BudgetDone())])
    rows.append([Button(t.gettext("💡 Measures"), MeasuresHome())])
    rows.append(back_to_menu(t))
    return Screen("\n".join(lines), rows)


def field_screen(t: Translator, procedure: Procedure, measures: Measures,
                 groups: Sequence[FieldMeasures], group: FieldMeasures, page: int,
                 ballot: BudgetBallot, closes: datetime) -> Screen:  # fmt: skip
    """One field's measures (one page of them): the budget line, each measure with its cost,
    sub-goal and description, and a button per measure that shows its state."""
    title = procedure.text(group.field.title, t.language)
    blocks = [
        measure_block(t, procedure, measures, group.field, m, m.id in ballot.chosen)
        for m in group.measures
    ]
    split = pages(blocks)
    page = min(page, len(split) - 1)
    shown = [group.measures[i] for i in split[page]]
    lines = [
        f"<b>{t.numeral(str(group.number))}. {escape(title)}</b>",
        budget_line(t, measures, ballot.spent),
        "",
    ]
    lines += ["\n\n".join(blocks[i] for i in split[page])]
    if not shown:
        lines.append(t.gettext("There are no measures to choose in this field yet."))
    lines += untranslated_note(t, [m.id for m in shown if title_of(t, m)[1]])
    if len(split) > 1:
        lines += ["", t.gettext("Page %(page)d of %(pages)d", page=page + 1, pages=len(split))]
    lines += ["", _closes_line(t, closes)]
    rows: list[list[Button]] = []
    for measure in shown:
        chosen = measure.id in ballot.chosen
        mark = "✅ " if chosen else "☐ "
        short = trimmed(title_of(t, measure)[0], LABEL_CHARS)
        label = f"{mark}{t.numeral(f'#{measure.id}')} {short}"
        rows.append([Button(label, BudgetPick(measure.id, not chosen))])
    if len(split) > 1:
        rows.append(
            [
                Button(f"· {n + 1} ·" if n == page else str(n + 1), BudgetField(group.field, n))
                for n in range(len(split))
            ]
        )
    navigation = [Button(t.gettext("📋 All action fields"), BudgetStart())]
    following = [g for g in groups if g.number > group.number and g.measures]
    if following:
        navigation.append(Button(t.gettext("Next field"), BudgetField(following[0].field)))
    rows.append(navigation)
    if ballot.chosen:
        rows.append([Button(t.gettext("🏁 Done"), BudgetDone())])
    rows.append(back_to_menu(t))
    return Screen("\n".join(lines), rows)


def selection_lines(t: Translator, measures: Measures, chosen: Sequence[Measure],
                    spent: int) -> list[str]:  # fmt: skip
    """The measures a resident chose, with their costs and the budget line (for the end,
    /myballot and /mydata)."""
    if not chosen:
        return [t.gettext("No measures chosen yet.")]
    lines = [budget_line(t, measures, spent)]
    for measure in chosen:
        title, _ = title_of(t, measure)
        cost = t.money(measure.cost or 0, measures.currency)
        lines.append(f"✅ {t.numeral(f'#{measure.id}')} {escape(title)} – {cost}")
    lines += untranslated_note(t, [m.id for m in chosen if title_of(t, m)[1]])
    return lines


def end_screen(t: Translator, measures: Measures, chosen: Sequence[Measure], spent: int,
               closes: datetime, offer_news: bool, username: str | None) -> Screen:  # fmt: skip
    """The end: saved and changeable until the close, what was chosen, the ways on."""
    lines = [
        "<b>{}</b>".format(
            t.gettext(
                "Your choice of measures is saved — you can change it until %(date)s.",
                date=t.datetime(closes),
            )
        ),
        "",
        *selection_lines(t, measures, chosen, spent),
    ]
    return Screen("\n".join(lines), ways_on(t, BudgetStart(), offer_news, username))


def before_screen(t: Translator, opens: datetime) -> Screen:
    """Before the window: when it opens."""
    text = t.gettext("Choosing measures opens on %(date)s.", date=t.datetime(opens))
    return Screen(text, [[Button(t.gettext("💡 Measures"), MeasuresHome())], back_to_menu(t)])


def closed_screen(t: Translator, measures: Measures, chosen: Sequence[Measure], spent: int,
                  closed: datetime) -> Screen:  # fmt: skip
    """After the window: when it closed, and the resident's selection read-only."""
    lines = [t.gettext("Choosing measures closed on %(date)s.", date=t.datetime(closed))]
    if chosen:
        lines += ["", "<b>{}</b>".format(t.gettext("Measures you chose"))]
        lines += selection_lines(t, measures, chosen, spent)
    rows = [[Button(t.gettext("💡 Measures"), MeasuresHome())], back_to_menu(t)]
    return Screen("\n".join(lines), rows)
