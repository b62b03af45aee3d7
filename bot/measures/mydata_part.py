"""The measures round's part of /mydata (bot/privacy/mydata.py): the resident's own proposals,
as they wrote them and with what became of them, and their budget ballot; on the screen and in
the JSON file."""

from bot.chat.text import escape
from bot.i18n import Translator
from bot.measures.budget_screens import selection_lines
from bot.procedure import Procedure
from storage import measures as stored
from storage.measures import Measure
from storage.privacy import StoredData


def state_text(t: Translator, measure: Measure) -> str:
    """What became of a proposal, in a few words."""
    if measure.state == stored.MERGED and measure.merged_into is not None:
        return t.gettext("merged into measure #%(number)d", number=measure.merged_into)
    states = {
        stored.PENDING: t.gettext("waiting for a decision"),
        stored.APPROVED: t.gettext("approved"),
        stored.REJECTED: t.gettext("not approved"),
        stored.WITHDRAWN: t.gettext("withdrawn"),
    }
    return states.get(measure.state, measure.state)


def _own_words(measure: Measure) -> tuple[str, str]:
    # The proposal as its proposer wrote it (staff's translations are the city's).
    text, _ = measure.text(measure.language)
    return text.title, text.description


def measures_lines(t: Translator, procedure: Procedure, data: StoredData) -> list[str]:
    """The resident's proposals and budget ballot, for the /mydata screen."""
    lines = ["", "<b>{}</b>".format(t.gettext("Your proposals"))]
    if not data.proposals:
        lines.append(t.gettext("You have not proposed any measures."))
    for measure in data.proposals:
        title, description = _own_words(measure)
        lines.append(f"{t.numeral(f'#{measure.id}')} {escape(title)} ({state_text(t, measure)})")
        if description:
            lines.append(escape(description))
    lines += ["", "<b>{}</b>".format(t.gettext("Measures you chose"))]
    if data.budget.chosen:
        lines.append(
            t.gettext("Stored under a code; only this bot can find them, with its secret key.")
        )
    if procedure.measures is not None:
        lines += selection_lines(t, procedure.measures, data.chosen, data.budget.spent)
    else:
        lines += [f"✅ {t.numeral(f'#{m.id}')} {escape(_own_words(m)[0])}" for m in data.chosen]
    return lines


def measures_document(data: StoredData) -> dict[str, object]:
    """The same for the JSON file (machine-readable)."""
    return {
        "proposals": [
            {
                "id": measure.id,
                "action_field": measure.field_id,
                "sub_goal": measure.goal_id,
                "language": measure.language,
                "state": measure.state,
                "proposed": measure.created_at,
                "texts": {
                    language: {"title": text.title, "description": text.description}
                    for language, text in sorted(measure.texts.items())
                },
                "reason": measure.reason,
                "note": measure.note,
                "merged_into": measure.merged_into,
            }
            for measure in data.proposals
        ],
        "budget_ballot": {
            "measures": sorted(data.budget.chosen),
            "total_cost": data.budget.spent,
        },
    }
