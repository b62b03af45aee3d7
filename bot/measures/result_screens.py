"""The costed priority list's screens and chart, as data: staff's list (every figure, the
comparison rule, files, the announcement) and the residents' public list. Pure: a CostedList
in, screens out.

Small groups as in the prioritisation's results (bot/results/screens.py, whose wording is
reused): a count of 1 to min_group - 1 people reads "fewer than 5", and its share is left out
with it; a sub-goal's hidden score likewise.
"""

from dataclasses import replace

from bot.chat.buttons import Button
from bot.chat.screens import Screen
from bot.chat.text import escape
from bot.i18n import Translator
from bot.measures.buttons import MeasuresHome
from bot.measures.charts import MeasureBar, MeasuresChart
from bot.measures.outcome import CostedList, MeasureLine
from bot.measures.result_buttons import Announce, MeasureChart, MeasureExport, MeasureResultsPage
from bot.procedure import Procedure
from bot.results.screens import pages


def rule_name(t: Translator, rule: str) -> str:
    """The rule's name in the reader's language."""
    if rule == "greedy":
        return t.gettext("By number of votes")
    return t.gettext("Method of Equal Shares")


def rule_meaning(t: Translator, rule: str) -> str:
    """What the rule means for residents, in two sentences (as in the README)."""
    if rule == "greedy":
        return t.gettext(
            "The measures with the most votes are funded first. A measure that no longer "
            "fits into what is left of the budget is skipped, and the next one is tried."
        )
    return t.gettext(
        "The budget is shared equally among everyone who chose measures, and a measure is "
        "funded when the people who chose it can pay for it together with their shares. So "
        "a large group gets more measures, but a smaller group with its own wishes also gets "
        "its fair part."
    )


def count_text(t: Translator, listed: CostedList, count: int) -> str:
    """A count of people, or "fewer than 5" when it is too small to show."""
    if listed.small(count):
        return t.gettext("fewer than %(number)d", number=listed.min_group)
    return t.number(count)


def _money(t: Translator, listed: CostedList, amount: int) -> str:
    return t.money(amount, listed.currency)


def measure_title(t: Translator, line: MeasureLine) -> str:
    """The measure's title in the reader's language (else in the language it has, marked)."""
    text, language = line.measure.text(t.language)
    title = escape(text.title)
    return title if language == t.language else f"{title} [{language}]"


def votes_text(t: Translator, listed: CostedList, line: MeasureLine) -> str:
    """ "12 votes" or "fewer than 5"."""
    if listed.small(line.votes):
        return count_text(t, listed, line.votes)
    return t.ngettext("%(count)d vote", "%(count)d votes", line.votes)


def _figures(t: Translator, listed: CostedList, line: MeasureLine, share: bool) -> str:
    parts = [votes_text(t, listed, line), _money(t, listed, line.cost)]
    if share and line.share is not None and not listed.small(line.votes):
        parts.append(t.gettext("%(share)s of voters", share=t.percent(line.share)))
    return t.separator.join(parts)


def _goal_line(t: Translator, procedure: Procedure, listed: CostedList, line: MeasureLine) -> str:
    field = procedure.field(line.measure.field_id)
    goal = field.goal(line.measure.goal_id) if field is not None else None
    if goal is None:
        return ""
    label = escape(procedure.text(goal.short or goal.text, t.language))
    standing = line.goal
    if standing is None:
        return t.gettext("Sub-goal: %(goal)s", goal=label)
    if standing.hidden and listed.small(standing.voters):
        score = count_text(t, listed, standing.voters)
    elif standing.hidden:  # not small itself: hidden because it would give a small one away
        score = t.gettext("not shown")
    else:
        score = t.percent(standing.score) if standing.score is not None else "–"
    return t.gettext(
        "Sub-goal: %(goal)s – priority rank %(rank)s (%(score)s)",
        goal=label,
        rank=t.number(standing.rank),
        score=score,
    )


def _staff_block(
    t: Translator, procedure: Procedure, listed: CostedList, position: int, line: MeasureLine
) -> list[str]:
    mark = "✅" if line.funded else "▫️"
    lines = [
        f"{mark} <b>{t.number(position)}.</b> {measure_title(t, line)}",
        "    " + _figures(t, listed, line, share=True),
    ]
    if line.funded and line.running_total is not None:
        lines.append(
            "    "
            + t.gettext(
                "Funded (running total %(total)s)", total=_money(t, listed, line.running_total)
            )
        )
    else:
        lines.append("    " + t.gettext("Not funded"))
    other = t.gettext("Other rule: funded") if line.funded_other else None
    lines.append("    " + (other or t.gettext("Other rule: not funded")))
    goal = _goal_line(t, procedure, listed, line)
    if goal:
        lines.append("    " + goal)
    return lines


def _summary(t: Translator, listed: CostedList) -> list[str]:
    lines = [
        "<b>{}</b>".format(t.gettext("Costed priority list")),
        t.gettext("As of %(date)s", date=t.datetime(listed.made_at)),
    ]
    if listed.illustration:
        lines.append(
            "<i>{}</i>".format(
                t.gettext("This measures round is an illustration: it did not take place.")
            )
        )
    lines += [
        "",
        t.gettext("Budget: %(amount)s", amount=_money(t, listed, listed.budget)),
        t.gettext("Rule: %(rule)s", rule=rule_name(t, listed.rule)),
        t.gettext(
            "People who chose measures: %(count)s", count=count_text(t, listed, listed.voters)
        ),
        t.gettext(
            "Funded: %(funded)s of %(budget)s · left: %(left)s",
            funded=_money(t, listed, listed.funded_total),
            budget=_money(t, listed, listed.budget),
            left=_money(t, listed, listed.left),
        ),
    ]
    return lines


def _paging(t: Translator, page: int, count: int) -> list[list[Button]]:
    rows: list[list[Button]] = []
    if count > 1:
        row = []
        if page > 1:
            row.append(Button(t.gettext("◀ Previous page"), MeasureResultsPage(page - 1)))
        if page < count:
            row.append(Button(t.gettext("Next page ▶"), MeasureResultsPage(page + 1)))
        rows.append(row)
    rows.append([Button(t.gettext("📊 Chart"), MeasureChart())])
    return rows


def _page_heading(t: Translator, page: int, count: int) -> list[str]:
    if count <= 1:
        return []
    return ["", t.gettext("(page %(page)d of %(pages)d)", page=page, pages=count)]


def staff_list(t: Translator, procedure: Procedure, listed: CostedList, page: int) -> Screen:
    """Staff's list: the summary, the comparison rule's set, and the measures, one page."""
    positions = {line.measure.id: i for i, line in enumerate(listed.lines, start=1)}
    other = [str(positions[line.measure.id]) for line in listed.lines if line.funded_other]
    lines = _summary(t, listed)
    lines.append(
        t.gettext(
            "%(rule)s would fund: %(measures)s (%(amount)s)",
            rule=rule_name(t, listed.other_rule),
            measures=t.listed(t.number(int(n)) for n in other) or "–",
            amount=_money(t, listed, listed.other_total),
        )
    )
    blocks = [_staff_block(t, procedure, listed, i, line) for i, line in enumerate(listed.lines, 1)]
    split = pages(blocks) if blocks else [[t.gettext("No measures have been approved yet.")]]
    page = min(max(page, 1), len(split))
    lines += _page_heading(t, page, len(split))
    lines += ["", *split[page - 1]]
    lines += [
        "",
        t.gettext(
            "Figures that count fewer than %(number)d people are not shown, to protect their "
            "privacy.",
            number=listed.min_group,
        ),
    ]
    back = Button(t.gettext("💡 Measures"), MeasuresHome())
    rows = _paging(t, page, len(split))
    rows.append(
        [
            Button(t.gettext("📄 CSV file"), MeasureExport("csv")),
            Button(t.gettext("📄 JSON file"), MeasureExport("json")),
        ]
    )
    rows.append([Button(t.gettext("📄 Pabulib file"), MeasureExport("pb"))])
    rows.append([Button(t.gettext("📣 Announce the funded measures"), Announce())])
    rows.append([back])
    return Screen("\n".join(lines), [row for row in rows if row])


def public_list(
    t: Translator, procedure: Procedure, listed: CostedList, page: int, with_goals: bool
) -> Screen:
    """The residents' list: what the rule means, the funded measures, then the others; with
    each measure's sub-goal and its priority when the prioritisation's results are public
    (`with_goals`)."""
    lines = _summary(t, listed)
    lines += ["", rule_meaning(t, listed.rule)]
    blocks: list[list[str]] = []
    heading_done = {True: False, False: False}
    for position, line in enumerate(listed.lines, start=1):
        block = []
        if not heading_done[line.funded]:
            heading_done[line.funded] = True
            heading = t.gettext("Funded") if line.funded else t.gettext("Not funded")
            block += ["", f"<b>{heading}</b>"]
        block.append(
            f"<b>{t.number(position)}.</b> {measure_title(t, line)} – "
            + _figures(t, listed, line, share=False)
        )
        goal = _goal_line(t, procedure, listed, line if with_goals else replace(line, goal=None))
        if goal:
            block.append("    " + goal)
        blocks.append(block)
    split = pages(blocks) if blocks else [[t.gettext("No measures have been approved yet.")]]
    page = min(max(page, 1), len(split))
    lines += _page_heading(t, page, len(split))
    lines += split[page - 1]
    back = Button(t.gettext("💡 Measures"), MeasuresHome())
    rows = _paging(t, page, len(split))
    rows.append([back])
    return Screen("\n".join(lines), [row for row in rows if row])


MAX_BARS = 30  # a taller picture than this many measures is not readable on a phone


def more_text(t: Translator, count: int) -> str:
    """ "… and 4 more measures"."""
    return t.ngettext("… and %(count)d more measure", "… and %(count)d more measures", count)


def chart(t: Translator, listed: CostedList) -> MeasuresChart:
    """The list as a chart: a bar per measure (its votes), funded ones coloured."""
    bars = []
    for position, line in enumerate(listed.lines[:MAX_BARS], start=1):
        text, _ = line.measure.text(t.language)
        label = f"{t.number(position)}. {' '.join(text.title.split())}"
        value = 0.0 if listed.small(line.votes) else float(line.votes)
        caption = votes_text(t, listed, line) + t.separator + _money(t, listed, line.cost)
        bars.append(MeasureBar(label, value, caption, line.funded))
    subtitle = t.gettext(
        "Funded: %(funded)s of %(budget)s · %(date)s",
        funded=_money(t, listed, listed.funded_total),
        budget=_money(t, listed, listed.budget),
        date=t.date(listed.made_at),
    )
    note = t.gettext("Blue: funded (%(rule)s). Grey: not funded.", rule=rule_name(t, listed.rule))
    if len(listed.lines) > MAX_BARS:
        note += " " + more_text(t, len(listed.lines) - MAX_BARS)
    return MeasuresChart(t.gettext("Costed priority list"), subtitle, tuple(bars), t.language, note)
