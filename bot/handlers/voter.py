"""Who may vote now, and under which pseudonym: shared by the voting screens."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import Translator
from bot.services import Services, reader, services
from bot.voting import WindowState, voter_key, window


async def refusal(update: Update, context: ContextTypes.DEFAULT_TYPE, t: Translator) -> str | None:
    """Why this resident cannot vote now (window, consent), or None if they can."""
    svc = services(context)
    state = (await window(svc.database, svc.procedure)).state()
    if state is WindowState.BEFORE:
        return t.gettext("Voting has not opened yet. Nothing was changed.")
    if state is WindowState.CLOSED:
        return t.gettext("Voting is closed. Nothing was changed.")
    if not (await reader(update, context)).consented:
        return t.gettext("Please agree first under “Set your priorities”. Nothing was changed.")
    return None


def key_of(svc: Services, update: Update) -> str:
    """The voter key of the resident behind this update."""
    assert update.effective_user is not None and svc.settings.secret is not None
    return voter_key(svc.settings.secret, update.effective_user.id)
