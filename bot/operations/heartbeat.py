"""The time the bot last handled an update, for `participation-bot stats`.

`Heartbeat` is a handler of its own group, ahead of every other one, that sees every update
and passes it on. It writes the time into bot_state at most once a minute, so it costs one
small write a minute while residents use the bot and nothing at all per update; `stats`
only needs to know whether the bot was silent for hours. A write that fails is logged and
changes nothing for the update (the resident's answer matters more than this note).
"""

import logging
import time

from telegram import Update
from telegram.ext import BaseHandler

from bot.chat.context import ChatContext
from storage import monitoring
from storage.participants import now

log = logging.getLogger(__name__)

INTERVAL = 60.0  # seconds between two writes at most; stats measures silence in hours
GROUP = -3  # before private_chats_only (-2), which ends the handling of group updates


class Heartbeat(BaseHandler[Update, ChatContext, None]):
    """Notes that an update is being handled (every kind, every chat), at most once a minute."""

    def __init__(self, interval: float = INTERVAL) -> None:
        super().__init__(self._beat)
        self.interval = interval
        self._due = 0.0  # time.monotonic() from which the next write is due

    def check_update(self, update: object) -> bool:
        """Every update, but only while a write is due: the rest pass at no cost."""
        return isinstance(update, Update) and time.monotonic() >= self._due

    async def _beat(self, update: Update, context: ChatContext) -> None:
        if time.monotonic() < self._due:
            return  # another user's update wrote it while this one waited
        # Set before the write: the updates of other users that run meanwhile skip it.
        self._due = time.monotonic() + self.interval
        try:
            await monitoring.record_update(context.services.database, now())
        except Exception as error:  # whatever the database says: the update goes on
            log.warning("could not record the time of update %s (%s)", update.update_id, error)
