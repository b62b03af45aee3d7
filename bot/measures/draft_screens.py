"""The screens of writing a proposal: the limits said up front, the action field, the
sub-goal, the title and the description asked for (a message each), the proposal as staff will
see it, and the consent asked before a first proposal. Pure functions of the translator and
the procedure."""

from bot.chat.buttons import Button
from bot.chat.screens import Screen
from bot.chat.text import escape
from bot.i18n import Translator
from bot.measures.buttons import MeasuresHome, ProposeStart
from bot.measures.proposal_buttons import DraftStep, ProposeConsent, ProposeField, ProposeGoal
from bot.measures.proposal_screens import Draft, text_lines, where_lines, written_in
from bot.procedure import Measures, Procedure
from bot.voting.ballot import goal_label


def hub_row(t: Translator) -> list[Button]:
    """A row with the way back to the measures hub."""
    return [Button(t.gettext("💡 Measures"), MeasuresHome())]


def limits_line(t: Translator, measures: Measures) -> str:
    """The limits, said before anything is written."""
    return t.gettext(
        "You write a short title (at most %(title)d characters) and a description (at most "
        "%(description)d characters), each as a message.",
        title=measures.title_max,
        description=measures.description_max,
    )


def field_screen(t: Translator, procedure: Procedure, measures: Measures) -> Screen:
    """Step 1: the action field the measure is for."""
    lines = [
        "<b>{}</b>".format(t.gettext("Propose a measure")),
        limits_line(t, measures),
        t.gettext(
            "Staff read every proposal first; other residents see it only once staff "
            "approved it and estimated its cost."
        ),
        "",
        t.gettext("Which action field is your measure for?"),
    ]
    rows = [
        [Button(f"{t.numeral(str(n))}. {procedure.text(f.title, t.language)}", ProposeField(f))]
        for n, f in enumerate(procedure.fields, start=1)
    ]
    rows.append(hub_row(t))
    return Screen("\n".join(lines), rows)


def goal_screen(t: Translator, procedure: Procedure, field_id: str) -> Screen:
    """Step 2: the sub-goal of that field the measure serves."""
    field = procedure.field(field_id)
    assert field is not None
    number = procedure.fields.index(field) + 1
    lines = [
        f"<b>{t.numeral(str(number))}. {escape(procedure.text(field.title, t.language))}</b>",
        "",
        *(
            f"{t.numeral(f'{number}.{n}')} {escape(procedure.text(goal.text, t.language))}"
            for n, goal in enumerate(field.goals, start=1)
        ),
        "",
        t.gettext("Which sub-goal does your measure serve?"),
    ]
    rows = [
        [
            Button(
                goal_label(t, procedure, goal, t.numeral(f"{number}.{n}")), ProposeGoal(field, goal)
            )
        ]
        for n, goal in enumerate(field.goals, start=1)
    ]
    rows.append([Button(t.gettext("⬅ All action fields"), ProposeStart())])
    return Screen("\n".join(lines), rows)


def ask_screen(
    t: Translator, procedure: Procedure, draft: Draft, which: str, problem: str = ""
) -> Screen:
    """Ask for the title or the description (a message), with the limit and what was
    written before when a pending proposal is written again."""
    measures = procedure.measures
    assert measures is not None
    lines = where_lines(t, procedure, draft.field_id, draft.goal_id)
    if problem:
        lines += ["", problem]
    lines.append("")
    if which == "title":
        lines.append(
            t.gettext(
                "Please write a short title for your measure (at most %(count)d characters) "
                "and send it as a message.",
                count=measures.title_max,
            )
        )
        before = draft.title
    else:
        lines += [f"<b>{escape(draft.title)}</b>", ""]
        lines.append(
            t.gettext(
                "Now describe your measure: what should happen, where, and for whom (at most "
                "%(count)d characters). Send it as a message.",
                count=measures.description_max,
            )
        )
        before = draft.description
    if before:
        lines.append(t.gettext("So far: %(text)s", text=escape(before)))
    return Screen("\n".join(lines), [[Button(t.gettext("✖ Cancel"), DraftStep("cancel"))]])


def confirm_screen(t: Translator, procedure: Procedure, draft: Draft) -> Screen:
    """The proposal as staff will see it, with Send / Change / Cancel."""
    lines = [
        "<b>{}</b>".format(t.gettext("Your proposal, as staff will see it:")),
        "",
        *where_lines(t, procedure, draft.field_id, draft.goal_id),
        written_in(t, t.language),
        "",
        *text_lines(draft.title, draft.description),
        "",
        t.gettext("Send it to staff?"),
    ]
    rows = [
        [Button(t.gettext("✅ Send"), DraftStep("send"))],
        [Button(t.gettext("✏️ Edit"), DraftStep("change"))],
        [Button(t.gettext("✖ Cancel"), DraftStep("cancel"))],
    ]
    return Screen("\n".join(lines), rows)


def consent_screen(t: Translator) -> Screen:
    """The consent (the prioritisation's), asked before a first proposal."""
    text = "\n\n".join(
        [
            "<b>{}</b>".format(t.gettext("Before you propose")),
            t.gettext(
                "Your proposal is stored with your Telegram account, so that we can tell you "
                "what staff decided. Other residents see it only after staff approved it, and "
                "never with your name. The same consent covers setting priorities and "
                "choosing measures; you can delete your data at any time with /delete."
            ),
            t.gettext("Details: /privacy"),
            t.gettext("Do you agree?"),
        ]
    )
    rows = [
        [Button(t.gettext("✅ I agree"), ProposeConsent(True))],
        [Button(t.gettext("Not now"), ProposeConsent(False))],
    ]
    return Screen(text, rows)


def limit_text(t: Translator, limit: int) -> str:
    """The answer when a resident has as many open proposals as allowed."""
    return t.ngettext(
        "You already have %(count)d proposal waiting for review or approved, the most one "
        "person can have. You can withdraw one that is waiting under “My proposals”. Nothing "
        "was sent.",
        "You already have %(count)d proposals waiting for review or approved, the most one "
        "person can have. You can withdraw one that is waiting under “My proposals”. Nothing "
        "was sent.",
        limit,
    )
