"""Who may vote now, and under which pseudonym: shared by the voting screens."""

import hashlib
import hmac
from typing import Any

from telegram import Update

from bot.chat.context import ChatContext
from bot.chat.updates import note_saved
from bot.voting.window import WindowState, window
from storage import participants


def voter_key(secret: str, user_id: int) -> str:
    """The pseudonym ballots are stored under: HMAC-SHA256(secret, user id)."""
    return hmac.new(secret.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()


async def refusal(context: ChatContext) -> str | None:
    """Why this resident cannot vote now (window, consent), or None if they can."""
    t = context.t
    state = (await window(context.db, context.procedure)).state()
    if state is WindowState.BEFORE:
        return t.gettext("Voting has not opened yet. Nothing was changed.")
    if state is WindowState.CLOSED:
        return t.gettext("Voting is closed. Nothing was changed.")
    if not context.reader.consented:
        return t.gettext("Please agree first under “Set your priorities”. Nothing was changed.")
    return None


def key_of(update: Update, context: ChatContext) -> str:
    """The voter key of the resident behind this update."""
    secret = context.services.settings.secret
    assert update.effective_user is not None and secret is not None
    return voter_key(secret, update.effective_user.id)


async def count_in(update: Update, context: ChatContext) -> None:
    """After a change to the ballot: mark the participant as one who voted (that, never
    what), once; participation per language counts it. The change is saved: whatever fails
    after it, the resident is told so (bot/chat/errors.py)."""
    note_saved()
    participant = context.reader.participant
    if participant is not None and (not participant.voted or participant.language is None):
        await participants.mark_voted(context.db, participant.user_id, language=context.t.language)


def memory(context: ChatContext) -> dict[Any, Any]:
    """This resident's memory between updates (in the process: lost on a restart)."""
    data = context.user_data
    return data if data is not None else {}
