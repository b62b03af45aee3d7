"""The result screens, as data: staff's overview and field pages (every figure, per source),
the residents' public ranking, and what the charts show. Pure: an Outcome in, screens out.

A figure that counts fewer voters than the procedure's min_group reads "fewer than 5" here,
and what is computed from it (share, points, merged score) is left out with it; a figure hidden
only because it would give such a one away reads "not shown" (bot/results/outcome.py).
"""

from collections.abc import Sequence

from bot.chat.buttons import Button
from bot.chat.menu import back_to_menu
from bot.chat.screens import Screen
from bot.chat.text import escape
from bot.i18n import Translator, native_name
from bot.measures.buttons import MeasureResults
from bot.procedure import Procedure
from bot.results.buttons import Export, FieldChart, OverviewChart, Results, ResultsPage
from bot.results.charts import Bar, Chart
from bot.results.exports import goal_hidden
from bot.results.outcome import FieldOutcome, GoalOutcome, Outcome

PAGE_CHARACTERS = 3000  # a page of a field stays well inside Telegram's 4096


def fewer_than(t: Translator, outcome: Outcome, count: int | None = None) -> str:
    """How a hidden figure reads: "fewer than 5"; "not shown" for one hidden only because it
    would give a small one away (it is not below 5)."""
    if count is None or outcome.small(count):
        return t.gettext("fewer than %(number)d", number=outcome.min_group)
    return t.gettext("not shown")


def count_text(t: Translator, outcome: Outcome, count: int) -> str:
    """A count of voters, or "fewer than 5" when it is too small to show."""
    return fewer_than(t, outcome) if outcome.small(count) else t.number(count)


def _as_of(t: Translator, outcome: Outcome) -> str:
    return t.gettext("As of %(date)s", date=t.datetime(outcome.made_at))


def _figure(t: Translator, outcome: Outcome, goal: GoalOutcome) -> str:
    """The online figure with its share: "21 votes · 13.5 %" (or points)."""
    if goal_hidden(outcome, goal):
        return t.gettext("online: %(figure)s", figure=fewer_than(t, outcome, goal.voters))
    if outcome.method == "top_n":
        figure = t.ngettext("%(count)d vote", "%(count)d votes", goal.voters)
    else:
        figure = t.ngettext("%(count)d point", "%(count)d points", goal.points)
    share = t.separator + t.percent(goal.online_share) if goal.online_share is not None else ""
    return t.gettext("online: %(figure)s", figure=figure + share)


def _workshop(t: Translator, outcome: Outcome, goal: GoalOutcome) -> str:
    per_source = ", ".join(
        f"{escape(source)} {t.number(points)}" for source, points in goal.workshop_points
    )
    share = t.separator + t.percent(goal.workshop_share) if goal.workshop_share is not None else ""
    return t.gettext("workshops: %(points)s", points=per_source + share)


def _merged(t: Translator, outcome: Outcome, goal: GoalOutcome) -> str:
    if goal_hidden(outcome, goal):
        value = fewer_than(t, outcome, goal.voters)
    elif goal.merged is None:
        value = "–"
    else:
        value = t.percent(goal.merged)
    return t.gettext("merged: %(score)s", score=value)


def goal_lines(t: Translator, procedure: Procedure, outcome: Outcome, field: FieldOutcome,
               goal: GoalOutcome) -> list[str]:  # fmt: skip
    """One sub-goal on staff's field page: rank, text, and every figure."""
    found = field.field.goal(goal.goal_id)
    text = escape(procedure.text(found.text, t.language)) if found else goal.goal_id
    lines = [f"<b>{t.number(goal.rank)}.</b> {text}", "    " + _figure(t, outcome, goal)]
    if outcome.merged and outcome.sources:
        lines.append("    " + _workshop(t, outcome, goal))
        lines.append("    <b>" + _merged(t, outcome, goal) + "</b>")
    return lines


def _field_facts(t: Translator, outcome: Outcome, field: FieldOutcome) -> list[str]:
    lines = [
        t.gettext(
            "Answered: %(answered)s · No preference: %(abstained)s",
            answered=count_text(t, outcome, field.answered),
            abstained=count_text(t, outcome, field.abstained),
        )
    ]
    if field.field_rank is not None:
        # An average over fewer than min_group voters is not shown (a dash, not a number).
        average = (
            "–"
            if field.average_position is None or outcome.small(field.ranked_by)
            else f"{field.average_position:.1f}"
        )
        lines.append(
            t.gettext(
                "Importance of the field: rank %(rank)d (average position %(average)s)",
                rank=field.field_rank,
                average=average,
            )
        )
    return lines


def pages(blocks: Sequence[Sequence[str]], limit: int = PAGE_CHARACTERS) -> list[list[str]]:
    """The blocks (one per sub-goal) split into pages of at most `limit` characters."""
    result: list[list[str]] = [[]]
    size = 0
    for block in blocks:
        length = sum(len(line) + 1 for line in block)
        if result[-1] and size + length > limit:
            result.append([])
            size = 0
        result[-1].extend(block)
        size += length
    return result


def _field_nav(procedure: Procedure, field: FieldOutcome, t: Translator) -> list[Button]:
    ids = [f.id for f in procedure.fields]
    index = ids.index(field.field.id)
    row = []
    if index > 0:
        row.append(
            Button(t.gettext("◀ Previous field"), ResultsPage(procedure.fields[index - 1], 1))
        )
    if index + 1 < len(ids):
        row.append(Button(t.gettext("Next field ▶"), ResultsPage(procedure.fields[index + 1], 1)))
    return row


def staff_overview(t: Translator, procedure: Procedure, outcome: Outcome) -> Screen:
    """Staff's first screen: participants, languages, the fields, charts and exports."""
    languages = t.separator.join(
        native_name(language)
        + " "
        + (
            fewer_than(t, outcome, voters)
            if outcome.language_hidden(language)
            else t.number(voters)
        )
        for language, voters in outcome.languages
    )
    lines = [
        "<b>{}</b>".format(t.gettext("Results")),
        _as_of(t, outcome),
        "",
        t.gettext("Participants: %(count)s", count=count_text(t, outcome, outcome.participants)),
        t.gettext("By language: %(languages)s", languages=languages or "–"),
    ]
    if outcome.merged and outcome.sources:
        weights = dict(outcome.weights)
        lines.append(
            t.gettext(
                "Merged with the workshop results of: %(sources)s "
                "(weights: online %(online)s, workshops %(workshop)s)",
                sources=", ".join(escape(s) for s in outcome.sources),
                online=f"{weights['online']:g}",
                workshop=f"{weights['workshop']:g}",
            )
        )
    lines += ["", "<b>{}</b>".format(t.gettext("Action fields"))]
    for field in outcome.ranked_fields():
        title = escape(procedure.text(field.field.title, t.language))
        prefix = f"{field.field_rank}. " if field.field_rank is not None else "• "
        lines.append(prefix + title + " – " + _field_facts(t, outcome, field)[0])
    lines += ["", t.gettext("Figures that count fewer than %(number)d people are not shown, to "
                            "protect their privacy.", number=outcome.min_group)]  # fmt: skip
    rows = [
        [Button(procedure.text(f.field.title, t.language), ResultsPage(f.field, 1))]
        for f in outcome.ranked_fields()
    ]
    rows.append([Button(t.gettext("📊 Chart"), OverviewChart())])
    rows.append(
        [
            Button(t.gettext("📄 CSV file"), Export("csv")),
            Button(t.gettext("📄 JSON file"), Export("json")),
        ]
    )
    if procedure.measures is not None:
        # The measures round's results: the costed priority list (bot/measures/).
        rows.append([Button(t.gettext("📊 Costed priority list"), MeasureResults())])
    rows.append(back_to_menu(t))
    return Screen("\n".join(lines), rows)


def staff_field(
    t: Translator, procedure: Procedure, outcome: Outcome, field: FieldOutcome, page: int
) -> Screen:
    """One action field for staff: its facts and its sub-goals ranked, one page of them."""
    blocks = [goal_lines(t, procedure, outcome, field, goal) for goal in field.goals]
    split = pages(blocks)
    page = min(max(page, 1), len(split))
    title = escape(procedure.text(field.field.title, t.language))
    heading = f"<b>{title}</b>"
    if len(split) > 1:
        heading += " " + t.gettext("(page %(page)d of %(pages)d)", page=page, pages=len(split))
    lines = [heading, _as_of(t, outcome), *_field_facts(t, outcome, field), "", *split[page - 1]]
    rows: list[list[Button]] = []
    if len(split) > 1:
        paging = []
        if page > 1:
            paging.append(Button(t.gettext("◀ Previous page"), ResultsPage(field.field, page - 1)))
        if page < len(split):
            paging.append(Button(t.gettext("Next page ▶"), ResultsPage(field.field, page + 1)))
        rows.append(paging)
    rows.append(_field_nav(procedure, field, t))
    rows.append([Button(t.gettext("📊 Chart"), FieldChart(field.field))])
    rows.append([Button(t.gettext("⬅ All results"), Results())])
    return Screen("\n".join(lines), [row for row in rows if row])


def public_overview(t: Translator, procedure: Procedure, outcome: Outcome) -> Screen:
    """The residents' results: how many took part, and a button per field."""
    lines = [
        "<b>{}</b>".format(t.gettext("Results")),
        _as_of(t, outcome),
        "",
        t.gettext(
            "%(count)s people set their priorities.",
            count=count_text(t, outcome, outcome.participants),
        ),
    ]
    if outcome.merged and outcome.sources:
        lines.append(
            t.gettext("The ranking combines the online votes and the town-hall workshops.")
        )
    if any(f.field_rank is not None for f in outcome.fields):
        lines += ["", t.gettext("The action fields by importance:")]
        lines += [
            f"{f.field_rank}. " + escape(procedure.text(f.field.title, t.language))
            for f in outcome.ranked_fields()
        ]
    lines += ["", t.gettext("Choose an action field to see its ranking:")]
    rows = [
        [Button(procedure.text(f.field.title, t.language), ResultsPage(f.field, 1))]
        for f in outcome.ranked_fields()
    ]
    rows.append(back_to_menu(t))
    return Screen("\n".join(lines), rows)


def public_field(
    t: Translator, procedure: Procedure, outcome: Outcome, field: FieldOutcome
) -> Screen:
    """One action field's ranking for residents: place, sub-goal and its share."""
    title = escape(procedure.text(field.field.title, t.language))
    lines = [f"<b>{title}</b>", _as_of(t, outcome), ""]
    for goal in field.goals:
        found = field.field.goal(goal.goal_id)
        text = escape(procedure.text(found.text, t.language)) if found else goal.goal_id
        score = goal.merged if outcome.merged and outcome.sources else goal.online_share
        if goal_hidden(outcome, goal):
            shown = fewer_than(t, outcome, goal.voters)
        else:
            shown = t.percent(score) if score is not None else "–"
        lines.append(f"<b>{t.number(goal.rank)}.</b> {text} – {shown}")
    rows = [
        _field_nav(procedure, field, t),
        [Button(t.gettext("📊 Chart"), FieldChart(field.field))],
        [Button(t.gettext("⬅ All results"), Results())],
    ]
    return Screen("\n".join(lines), [row for row in rows if row])


def field_chart(
    t: Translator, procedure: Procedure, outcome: Outcome, field: FieldOutcome
) -> Chart:
    """One field's sub-goals as bars: their merged score or online share."""
    bars = []
    merged = outcome.merged and bool(outcome.sources)
    for goal in field.goals:
        found = field.field.goal(goal.goal_id)
        label = f"{t.number(goal.rank)}. " + (
            procedure.text(found.text, t.language) if found else goal.goal_id
        )
        score = goal.merged if merged else goal.online_share
        if goal_hidden(outcome, goal):
            bars.append(Bar(label, 0.0, fewer_than(t, outcome, goal.voters)))
        else:
            value = (score or 0.0) * 100
            caption = t.percent(score or 0.0)
            if not merged:
                caption = t.number(outcome.online_figure(goal)) + t.separator + caption
            bars.append(Bar(label, value, caption))
    subtitle = t.gettext(
        "Answered: %(answered)s · %(date)s",
        answered=count_text(t, outcome, field.answered),
        date=t.date(outcome.made_at),
    )
    note = t.gettext("Online votes and workshops combined") if merged else ""
    return Chart(procedure.text(field.field.title, t.language), subtitle, bars, t.language, note)


def overview_chart(t: Translator, procedure: Procedure, outcome: Outcome) -> Chart:
    """The action fields as bars: how many of the participants answered each."""
    bars = []
    for field in outcome.ranked_fields():
        title = procedure.text(field.field.title, t.language)
        if outcome.small(field.answered):
            bars.append(Bar(title, 0.0, fewer_than(t, outcome)))
            continue
        share = field.answered / outcome.participants if outcome.participants else 0.0
        caption = t.number(field.answered) + t.separator + t.percent(share)
        bars.append(Bar(title, share * 100, caption))
    subtitle = t.gettext(
        "Participants: %(count)s · %(date)s",
        count=count_text(t, outcome, outcome.participants),
        date=t.date(outcome.made_at),
    )
    return Chart(t.gettext("Who answered each action field"), subtitle, bars, t.language)


def top_goals_chart(t: Translator, procedure: Procedure, outcome: Outcome) -> Chart:
    """For the published results: each action field's first sub-goal, with its score."""
    merged = outcome.merged and bool(outcome.sources)
    bars = []
    for field in outcome.ranked_fields():
        title = procedure.text(field.field.title, t.language)
        top = field.goals[0] if field.goals else None
        found = field.field.goal(top.goal_id) if top is not None else None
        if top is None or found is None or field.answered == 0:
            bars.append(Bar(title, 0.0, "–"))
            continue
        label = f"{title}: {procedure.text(found.text, t.language)}"
        score = top.merged if merged else top.online_share
        if goal_hidden(outcome, top):
            bars.append(Bar(label, 0.0, fewer_than(t, outcome, top.voters)))
        else:
            bars.append(Bar(label, (score or 0.0) * 100, t.percent(score or 0.0)))
    subtitle = t.gettext(
        "Participants: %(count)s · %(date)s",
        count=count_text(t, outcome, outcome.participants),
        date=t.date(outcome.made_at),
    )
    note = t.gettext("Online votes and workshops combined") if merged else ""
    title = t.gettext("The most important sub-goal in each action field")
    return Chart(title, subtitle, bars, t.language, note)
