"""The costed priority list as files for staff: CSV (Excel-ready as the prioritisation's: byte
order mark, ";" and decimal commas by default), JSON and a plain table for a terminal.

Small figures never leave here, as in bot/results/exports.py: a count of 1 to min_group - 1
people reads "<5" in CSV and the table and null in JSON, together with what is computed from
it (the share of voters). Every file names the rule, the comparison rule and the tie-breaking,
so a figure is never read without them. (The Pabulib file, bot/measures/pabulib.py, is the
election itself, every selection included, for checking the outcome.)
"""

import csv
import io
import json

from bot.measures.outcome import CostedList, MeasureLine
from bot.procedure import Procedure
from bot.results.exports import BOM, CsvStyle, percent

TIE_BREAKING = "lower cost first, then lower measure number"
RULE_LABELS = {
    "equal-shares": "Method of Equal Shares with completion",
    "greedy": "greedy by votes",
}


def _hidden(listed: CostedList, count: int) -> bool:
    return listed.small(count)


def _mark(listed: CostedList) -> str:
    return f"<{listed.min_group}"


def _title(procedure: Procedure, line: MeasureLine, language: str) -> str:
    return line.measure.text(language)[0].title


def _goal_score(listed: CostedList, line: MeasureLine, comma: bool) -> str:
    if line.goal is None:
        return ""
    if line.goal.hidden:
        return _mark(listed)
    return percent(line.goal.score, comma)


def to_csv(listed: CostedList, procedure: Procedure, style: CsvStyle | None = None) -> str:
    """One row per approved measure in list order (titles in the default language); by
    default for German Excel (";" and decimal commas)."""
    style = style or CsvStyle()
    header = [
        "position", "measure_id", "field_id", "goal_id", "title", "cost", "votes",
        "voters_share_percent", f"funded:{listed.rule}", "running_total",
        f"funded:{listed.other_rule}", "goal_rank", "goal_score_percent",
    ]  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=style.separator, lineterminator="\r\n")
    writer.writerow(header)
    comma = style.decimal_comma
    for position, line in enumerate(listed.lines, start=1):
        hidden = _hidden(listed, line.votes)
        writer.writerow(
            [
                position,
                line.measure.id,
                line.measure.field_id,
                line.measure.goal_id,
                _title(procedure, line, procedure.default_language),
                line.cost,
                _mark(listed) if hidden else line.votes,
                _mark(listed) if hidden else percent(line.share, comma),
                "yes" if line.funded else "no",
                "" if line.running_total is None else line.running_total,
                "yes" if line.funded_other else "no",
                "" if line.goal is None else line.goal.rank,
                _goal_score(listed, line, comma),
            ]
        )
    return BOM + buffer.getvalue()


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 2)


def to_json(listed: CostedList, procedure: Procedure) -> str:
    """The whole list as JSON (UTF-8 text; titles and descriptions in every language they
    have)."""
    measures = []
    for position, line in enumerate(listed.lines, start=1):
        hidden = _hidden(listed, line.votes)
        measure = line.measure
        measures.append(
            {
                "position": position,
                "id": measure.id,
                "field": measure.field_id,
                "goal": measure.goal_id,
                "origin": measure.origin,
                "title": {lang: text.title for lang, text in sorted(measure.texts.items())},
                "description": {
                    lang: text.description for lang, text in sorted(measure.texts.items())
                },
                "cost": line.cost,
                "votes": None if hidden else line.votes,
                "voters_share_percent": None if hidden else _rounded(line.share),
                "funded": line.funded,
                "running_total": line.running_total,
                "funded_by_comparison_rule": line.funded_other,
                "goal_rank": None if line.goal is None else line.goal.rank,
                "goal_score_percent": (
                    None if line.goal is None or line.goal.hidden else _rounded(line.goal.score)
                ),
            }
        )
    document = {
        "procedure": procedure.id,
        "made_at": listed.made_at.isoformat(timespec="seconds"),
        "budget": listed.budget,
        "currency": listed.currency,
        "rule": listed.rule,
        "rule_name": RULE_LABELS[listed.rule],
        "comparison_rule": listed.other_rule,
        "tie_breaking": TIE_BREAKING,
        "illustration": listed.illustration,
        "min_group": listed.min_group,
        "null_means": f"a hidden figure: it counts fewer than {listed.min_group} people",
        "voters": None if listed.small(listed.voters) else listed.voters,
        "funded_total": listed.funded_total,
        "left": listed.left,
        "comparison_funded_total": listed.other_total,
        "measures": measures,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def to_table(listed: CostedList, procedure: Procedure, language: str, width: int = 50) -> str:
    """A plain-text table for a terminal (titles cut to `width`)."""

    def cut(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "…"

    voters = _mark(listed) if listed.small(listed.voters) else str(listed.voters)
    lines = [
        procedure.text(procedure.title, language),
        f"as of {listed.made_at.isoformat(timespec='minutes')}",
        f"budget {listed.budget} {listed.currency}; rule: {RULE_LABELS[listed.rule]}; "
        f"ties: {TIE_BREAKING}",
        f"people who chose measures: {voters}",
        f"funded {listed.funded_total}, left {listed.left}; "
        f"{RULE_LABELS[listed.other_rule]} would fund {listed.other_total}",
        f"counts of fewer than {listed.min_group} people are shown as {_mark(listed)}",
        "",
    ]
    header = ["#", "id", "title", "cost", "votes", "share %", "funded", "total", "other",
              "sub-goal", "rank"]  # fmt: skip
    rows = []
    for position, line in enumerate(listed.lines, start=1):
        hidden = _hidden(listed, line.votes)
        rows.append(
            [
                str(position),
                str(line.measure.id),
                cut(_title(procedure, line, language)),
                str(line.cost),
                _mark(listed) if hidden else str(line.votes),
                _mark(listed) if hidden else percent(line.share),
                "yes" if line.funded else "no",
                "" if line.running_total is None else str(line.running_total),
                "yes" if line.funded_other else "no",
                f"{line.measure.field_id}/{line.measure.goal_id}",
                "" if line.goal is None else str(line.goal.rank),
            ]
        )
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    for row in [header, *rows]:
        cells = [
            cell.ljust(w) if i in (2, 9) else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"
