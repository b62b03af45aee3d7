"""/privacy: the privacy notice, short enough for a phone, with the whole notice one tap away.

The short notice says who runs the procedure, what is stored, why and on which legal basis,
until when, and what the resident can do (see, delete, withdraw); the details add the
data-protection officer, the rights one by one, the supervisory authority and Telegram's own
processing. Texts of the procedure (controller, officer, authority, retention) come from the
procedure file; the rest from the catalogs.
"""

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.menu import back_to_menu
from bot.chat.screens import Screen, show
from bot.chat.text import escape
from bot.i18n import Translator
from bot.privacy.buttons import AskDelete, AskWithdraw, MyData, PrivacyDetails, PrivacyNotice
from bot.procedure import Procedure

TELEGRAM_PRIVACY = "https://telegram.org/privacy"


def _section(title: str, text: str) -> str:
    return f"<b>{title}</b>\n{text}"


def _until(t: Translator, procedure: Procedure) -> str:
    privacy = procedure.privacy
    return t.gettext(
        "Until %(date)s (%(reason)s). Then we delete everything that links you to this "
        "procedure; only the anonymous results stay.",
        date=t.date(privacy.retention_until),
        reason=escape(procedure.text(privacy.retention, t.language)),
    )


def _rows(t: Translator, consented: bool, details: bool) -> list[list[Button]]:
    rows = []
    if not details:
        rows.append([Button(t.gettext("📄 The whole privacy notice"), PrivacyDetails())])
    rows.append([Button(t.gettext("🧾 My data"), MyData())])
    if consented:
        rows.append([Button(t.gettext("↩ Withdraw my consent"), AskWithdraw())])
    rows.append([Button(t.gettext("🗑 Delete my data"), AskDelete())])
    if details:
        rows.append([Button(t.gettext("🔒 Privacy in short"), PrivacyNotice())])
    rows.append(back_to_menu(t))
    return rows


def privacy_screen(t: Translator, procedure: Procedure, consented: bool = False) -> Screen:
    """The short notice: who, what, why and on which basis, until when, and what you can do."""
    privacy = procedure.privacy
    # With a measures round: proposals (with the proposer's number) and the budget ballot.
    round_part = (
        "\n"
        + t.gettext(
            "If you propose a measure: what you wrote, and your Telegram number so that we can "
            "tell you the decision. If you choose measures: your choice, under the same code."
        )
        if procedure.measures is not None
        else ""
    )
    paragraphs = [
        "<b>{}</b>".format(t.gettext("Privacy")),
        t.gettext(
            "%(controller)s runs this procedure and is responsible for your data.",
            controller=escape(procedure.text(privacy.controller, t.language)),
        ),
        _section(
            t.gettext("What we store"),
            t.gettext(
                "Your Telegram number and chat, your language, when you used the bot, and only "
                "if you agree: that you agreed and your choices (under a code, not under your "
                "name or number). If you subscribe: your subscription. Never your messages."
            )
            + round_part,
        ),
        _section(
            t.gettext("Why, and on which legal basis"),
            t.gettext(
                "So that you can set your priorities and get the news. The legal basis is your "
                "consent (Art. 6(1)(a) GDPR). You can withdraw it at any time."
            ),
        ),
        _section(t.gettext("How long"), _until(t, procedure)),
        _section(
            t.gettext("What you can do"),
            t.gettext(
                "See your data (/mydata), delete it (/delete), withdraw your consent, and "
                "complain to the data-protection authority. Details below."
            ),
        ),
    ]
    return Screen("\n\n".join(paragraphs), _rows(t, consented, details=False))


def _round_bullets(t: Translator) -> list[str]:
    # The measures round's data: proposals and the budget ballot.
    return [
        t.gettext(
            "if you propose a measure: its title and description as you wrote them, when, what "
            "the city decided, and your Telegram number, so that we can tell you the decision. "
            "Approved measures are shown to everyone, without your name. /delete deletes your "
            "proposals; approved ones stay, no longer linked to you;"
        ),
        t.gettext(
            "if you choose measures within the budget: your choice, under the same code as "
            "your priorities;"
        ),
    ]


def _bullets(items: list[str]) -> str:
    return "\n".join("• " + item for item in items)


def details_screen(t: Translator, procedure: Procedure, consented: bool = False) -> Screen:
    """The whole notice: every right, the officer, the authority and Telegram's part."""
    privacy = procedure.privacy
    stored = [
        t.gettext("your Telegram user number and the number of your chat with this bot;"),
        t.gettext("the language you use here, and when you first and last used the bot;"),
        t.gettext(
            "if you agree to vote: when you agreed, and your choices. Your choices are stored "
            "under a code made from your Telegram number and a secret key, kept apart from the "
            "data. The results never show who chose what;"
        ),
        *(_round_bullets(t) if procedure.measures is not None else []),
        t.gettext(
            "if you subscribe to the news: that you did and when, when you stopped them or "
            "blocked the bot, and the messages waiting to be sent to you."
        ),
    ]
    authority = escape(procedure.text(privacy.authority, t.language))
    rights = [
        t.gettext("See your data: /mydata (also as a file)."),
        t.gettext(
            "Correct it: change your language with /language and your choices while voting is open."
        ),
        t.gettext("Delete it: /delete erases everything about you at once."),
        t.gettext(
            "Withdraw your consent: your choices are deleted; your language and news "
            "subscription stay."
        ),
        t.gettext("Complain to the data-protection authority: %(authority)s", authority=authority),
    ]
    sections = [
        "<b>{}</b>".format(t.gettext("Privacy notice")),
        _section(
            t.gettext("Who is responsible"),
            escape(procedure.text(privacy.controller, t.language))
            + "\n"
            + t.gettext("Contact: %(contact)s", contact=escape(privacy.contact)),
        ),
        _section(
            t.gettext("Data-protection officer"),
            escape(procedure.text(privacy.officer, t.language)),
        ),
        _section(
            t.gettext("What we store"),
            _bullets(stored) + "\n" + t.gettext("We do not store the messages you write."),
        ),
        _section(
            t.gettext("Why, and on which legal basis"),
            t.gettext(
                "So that you can set your priorities in this procedure, in your language, and "
                "get its news if you want them. The legal basis is your consent (Art. 6(1)(a) "
                "GDPR): voting and news are both voluntary. We do not pass your data on."
            ),
        ),
        _section(t.gettext("How long"), _until(t, procedure)),
        _section(t.gettext("Your rights"), _bullets(rights)),
        _section(
            t.gettext("Telegram"),
            t.gettext(
                "Telegram itself carries and stores the messages of this chat under its own "
                "privacy policy: %(url)s",
                url=TELEGRAM_PRIVACY,
            ),
        ),
    ]
    return Screen("\n\n".join(sections), _rows(t, consented, details=True))


def privacy_entry(t: Translator) -> Button:
    """The main menu's entry to the privacy notice."""
    return Button(t.gettext("🔒 Privacy"), PrivacyNotice())


async def show_privacy(update: Update, context: ChatContext) -> None:
    """/privacy and the menu's entry: the short notice."""
    screen = privacy_screen(context.t, context.procedure, context.reader.consented)
    await show(update, context, screen)


async def show_details(update: Update, context: ChatContext) -> None:
    """The whole notice."""
    screen = details_screen(context.t, context.procedure, context.reader.consented)
    await show(update, context, screen)
