"""How a proposal reads: its field and sub-goal, its title and description (always escaped:
residents write plain text), its state in the reader's language, and the reasons staff give.
Pure functions of the translator, the procedure and the measure, shared by the residents' and
the staff's screens."""

from dataclasses import dataclass

from bot.chat.text import escape
from bot.i18n import Translator, native_name
from bot.procedure import Field, Goal, Measures, Procedure
from storage.measures import APPROVED, MERGED, PENDING, REJECTED, WITHDRAWN, Measure


@dataclass
class Draft:
    """A proposal being written (user_data, in the process): a new one (measure_id None) or
    the resident's pending one being written again."""

    field_id: str
    goal_id: str
    measure_id: int | None = None
    title: str = ""
    description: str = ""


def reason_label(t: Translator, reason: str | None) -> str:
    """A rejection's reason category, translated (the key itself if unknown)."""
    labels = {
        "off-topic": t.gettext("Off-topic"),
        "not-city": t.gettext("Not a task of the city"),
        "duplicate": t.gettext("Duplicate of another proposal"),
        "conduct": t.gettext("Against the rules of conduct"),
    }
    return labels.get(reason or "", reason or "")


def numbered_goal(procedure: Procedure, field_id: str, goal_id: str) -> tuple[Field, Goal, str]:
    """The field and the goal of ids the database holds, and the goal's number ("1.2")."""
    field = procedure.field(field_id)
    goal = field.goal(goal_id) if field is not None else None
    if field is None or goal is None:
        raise LookupError(f"the procedure has no sub-goal {field_id}/{goal_id}")
    number = procedure.fields.index(field) + 1
    return field, goal, f"{number}.{field.goals.index(goal) + 1}"


def where_lines(t: Translator, procedure: Procedure, field_id: str, goal_id: str) -> list[str]:
    """Two lines: the action field and the sub-goal a measure serves."""
    try:
        field, goal, numbered = numbered_goal(procedure, field_id, goal_id)
    except LookupError:
        return [escape(f"{field_id} / {goal_id}")]
    number = numbered.split(".")[0]
    return [
        t.gettext(
            "Action field: %(title)s",
            title=escape(f"{t.numeral(number)}. {procedure.text(field.title, t.language)}"),
        ),
        t.gettext(
            "Sub-goal: %(goal)s",
            goal=escape(f"{t.numeral(numbered)} {procedure.text(goal.text, t.language)}"),
        ),
    ]


def text_lines(title: str, description: str) -> list[str]:
    """A measure's title (bold) and description, escaped."""
    return [f"<b>{escape(title)}</b>", escape(description)]


def measure_text(t: Translator, measure: Measure) -> list[str]:
    """A measure's title and description in the reader's language; in the language it was
    written in, with the note, where no translation exists yet (as news do)."""
    text, language = measure.text(t.language)
    lines = text_lines(text.title, text.description)
    if language != t.language:
        lines.append("<i>{}</i>".format(t.gettext("(Not yet available in your language.)")))
    return lines


def written_in(t: Translator, language: str) -> str:
    """ "Written in: Deutsch"."""
    return t.gettext("Written in: %(language)s", language=native_name(language))


def state_line(t: Translator, measures: Measures, measure: Measure, merged_title: str = "") -> str:
    """What became of a proposal, for the proposer ("Waiting for review", "Approved …")."""
    if measure.state == PENDING:
        return t.gettext("⏳ Waiting for review")
    if measure.state == APPROVED:
        if measure.cost is None:
            return t.gettext("✅ Approved")
        amount = t.money(measure.cost, measures.currency)
        return t.gettext("✅ Approved; estimated cost: %(amount)s", amount=amount)
    if measure.state == REJECTED:
        line = t.gettext("❌ Not accepted: %(reason)s", reason=reason_label(t, measure.reason))
        if measure.note:
            line += "\n" + t.gettext("Note from staff: %(note)s", note=escape(measure.note))
        return line
    if measure.state == MERGED:
        return t.gettext("🔗 Merged into another measure: %(title)s", title=escape(merged_title))
    if measure.state == WITHDRAWN:
        return t.gettext("↩ Withdrawn")
    return escape(measure.state)


def short(text: str, limit: int = 40) -> str:
    """A title cut to fit a button."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
