"""The outcome as files and text for staff: CSV (for Excel), JSON, Markdown and a plain table.

Small figures (a count of 1 to min_group - 1 voters, and what is computed from it) never leave
here: CSV, Markdown and the table show "<5", JSON shows null and says so. Every export names
the rules it was made with (method, weights, sources, time), so a figure is never read without
them.
"""

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

from bot.procedure import Procedure
from bot.results.outcome import FieldOutcome, GoalOutcome, Outcome

BOM = "\ufeff"  # Excel reads a CSV file as UTF-8 only with it


@dataclass(frozen=True)
class CsvStyle:
    """How the CSV is written: separator and decimal mark (German Excel: ";" and ",")."""

    separator: str = ";"
    decimal_comma: bool = True


def hidden_mark(outcome: Outcome, count: int | None = None) -> str:
    """What a hidden figure reads as in files: "<5" for a small count; "hidden" for one that
    is hidden only because it would give a small one away (it is not below 5)."""
    if count is None or outcome.small(count):
        return f"<{outcome.min_group}"
    return "hidden"


def goal_hidden(outcome: Outcome, goal: GoalOutcome) -> bool:
    """True when the sub-goal's online figures must not be shown (too few voters, or they
    would give a hidden one away)."""
    return goal.hidden


def percent(value: float | None, decimal_comma: bool = False) -> str:
    """A share (0..1) as a percentage with one decimal, "" when there is none."""
    if value is None:
        return ""
    text = f"{value * 100:.1f}"
    return text.replace(".", ",") if decimal_comma else text


def _goal_text(procedure: Procedure, field: FieldOutcome, goal: GoalOutcome, language: str) -> str:
    found = field.field.goal(goal.goal_id)
    return procedure.text(found.text, language) if found is not None else goal.goal_id


def to_csv(outcome: Outcome, procedure: Procedure, style: CsvStyle = CsvStyle()) -> str:
    """One row per sub-goal (texts in the default language), with a byte order mark."""
    figure = "online_voters" if outcome.method == "top_n" else "online_points"
    header = ["field_id", "goal_id", "goal", figure, "online_share_percent"]
    if outcome.merged:
        header += [f"workshop_points:{source}" for source in outcome.sources]
        header += ["workshop_share_percent", "merged_score_percent"]
    header.append("rank")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=style.separator, lineterminator="\r\n")
    writer.writerow(header)
    for field in outcome.fields:
        for goal in field.goals:
            hidden, mark = goal_hidden(outcome, goal), hidden_mark(outcome, goal.voters)
            row: list[object] = [
                field.field.id,
                goal.goal_id,
                _goal_text(procedure, field, goal, procedure.default_language),
                mark if hidden else outcome.online_figure(goal),
                mark if hidden else percent(goal.online_share, style.decimal_comma),
            ]
            if outcome.merged:
                row += [points for _, points in goal.workshop_points]
                row.append(percent(goal.workshop_share, style.decimal_comma))
                row.append(mark if hidden else percent(goal.merged, style.decimal_comma))
            row.append(goal.rank)
            writer.writerow(row)
    return BOM + buffer.getvalue()


def _count(outcome: Outcome, count: int) -> int | None:
    return None if outcome.small(count) else count


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 2)


def to_json(outcome: Outcome, procedure: Procedure) -> str:
    """The whole outcome as JSON (UTF-8 text, texts in every language the procedure has)."""
    fields = []
    for field in outcome.fields:
        goals = []
        for goal in field.goals:
            hidden = goal_hidden(outcome, goal)
            found = field.field.goal(goal.goal_id)
            entry: dict[str, object] = {
                "id": goal.goal_id,
                "text": dict(found.text) if found is not None else {},
                "rank": goal.rank,
                "voters": None if hidden else goal.voters,
                "points": None if hidden else goal.points,
                "online_share_percent": None if hidden else _rounded(goal.online_share),
            }
            if outcome.merged:
                entry["workshop_points"] = dict(goal.workshop_points)
                entry["workshop_share_percent"] = _rounded(goal.workshop_share)
                entry["merged_score_percent"] = None if hidden else _rounded(goal.merged)
            goals.append(entry)
        fields.append(
            {
                "id": field.field.id,
                "title": dict(field.field.title),
                "answered": _count(outcome, field.answered),
                "no_preference": _count(outcome, field.abstained),
                "average_position": (
                    None if field.average_position is None or outcome.small(field.ranked_by)
                    else round(field.average_position, 2)
                ),
                "field_rank": field.field_rank,
                "goals": goals,
            }
        )  # fmt: skip
    document = {
        "procedure": procedure.id,
        "made_at": outcome.made_at.isoformat(timespec="seconds"),
        "method": outcome.method,
        "min_group": outcome.min_group,
        "null_means": (
            f"a hidden figure: it counts fewer than {outcome.min_group} voters, or it would "
            "let such a figure be worked out from the others"
        ),
        "participants": _count(outcome, outcome.participants),
        "participants_per_language": {
            language: None if outcome.language_hidden(language) else voters
            for language, voters in outcome.languages
        },
        "merged": outcome.merged,
        "weights": dict(outcome.weights) if outcome.merged else None,
        "workshop_sources": list(outcome.sources) if outcome.merged else [],
        "fields": fields,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _shown(outcome: Outcome, count: int) -> str:
    return hidden_mark(outcome) if outcome.small(count) else str(count)


def _rows(
    outcome: Outcome, procedure: Procedure, field: FieldOutcome, language: str
) -> tuple[list[str], list[list[str]]]:
    figure = "voters" if outcome.method == "top_n" else "points"
    header = ["rank", "goal", "text", figure, "share %"]
    if outcome.merged:
        header += [f"workshop: {source}" for source in outcome.sources]
        header += ["workshop %", "merged %"]
    rows = []
    for goal in field.goals:
        hidden, mark = goal_hidden(outcome, goal), hidden_mark(outcome, goal.voters)
        row = [
            str(goal.rank),
            goal.goal_id,
            _goal_text(procedure, field, goal, language),
            mark if hidden else str(outcome.online_figure(goal)),
            mark if hidden else percent(goal.online_share),
        ]
        if outcome.merged:
            row += [str(points) for _, points in goal.workshop_points]
            row += [percent(goal.workshop_share), mark if hidden else percent(goal.merged)]
        rows.append(row)
    return header, rows


def _summary(outcome: Outcome, procedure: Procedure, language: str) -> list[str]:
    lines = [
        f"{procedure.text(procedure.title, language)}",
        f"as of {outcome.made_at.isoformat(timespec='minutes')}, method {outcome.method}",
        f"participants: {_shown(outcome, outcome.participants)}",
        "per language: "
        + (
            ", ".join(
                f"{lang} {hidden_mark(outcome, n) if outcome.language_hidden(lang) else n}"
                for lang, n in outcome.languages
            )
            or "-"
        ),
    ]
    if outcome.merged:
        weights = ", ".join(f"{name} {weight:g}" for name, weight in outcome.weights)
        sources = ", ".join(outcome.sources) or "none imported"
        lines.append(f"merged with workshop results ({sources}); weights {weights}")
    lines.append(
        f"figures counting fewer than {outcome.min_group} voters are shown as "
        f"{hidden_mark(outcome)}"
    )
    return lines


def _field_heading(
    outcome: Outcome, procedure: Procedure, field: FieldOutcome, language: str
) -> str:
    heading = f"{field.field.id}: {procedure.text(field.field.title, language)}"
    heading += f" (answered {_shown(outcome, field.answered)}"
    heading += f", no preference {_shown(outcome, field.abstained)}"
    if field.field_rank is not None:
        average = (
            hidden_mark(outcome)
            if outcome.small(field.ranked_by) or field.average_position is None
            else f"{field.average_position:.2f}"
        )
        heading += f", field rank {field.field_rank}, average position {average}"
    return heading + ")"


def to_table(outcome: Outcome, procedure: Procedure, language: str, width: int = 60) -> str:
    """A plain-text table per field for a terminal (goal texts cut to `width`)."""

    def cut(text: str) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    lines = _summary(outcome, procedure, language)
    for field in outcome.ranked_fields():
        header, rows = _rows(outcome, procedure, field, language)
        rows = [[*row[:2], cut(row[2]), *row[3:]] for row in rows]
        widths = [
            max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)
        ]
        lines += ["", _field_heading(outcome, procedure, field, language)]
        for row in [header, *rows]:
            cells = [
                cell.ljust(w) if i == 2 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ]
            lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def to_markdown(outcome: Outcome, procedure: Procedure, language: str) -> str:
    """A Markdown document: the summary and a table per field (for a council paper draft)."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    summary = _summary(outcome, procedure, language)
    lines = [f"# {cell(summary[0])}", "", *(f"- {cell(line)}" for line in summary[1:])]
    for field in outcome.ranked_fields():
        header, rows = _rows(outcome, procedure, field, language)
        lines += ["", f"## {cell(_field_heading(outcome, procedure, field, language))}", ""]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "|".join("---:" if i != 2 else "---" for i in range(len(header))) + "|")
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


FORMATS: dict[str, Callable[[Outcome, Procedure, str], str]] = {
    "table": to_table,
    "markdown": to_markdown,
}
