"""Broadcasting: staff's messages to the subscribers, sent at Telegram's pace.

Composition in the chat (/broadcast) or from files (the `broadcast` command line), the outbox
worker that delivers them inside the bot process, the send budget shared with residents'
replies, the progress report (and sending again to the uncertain recipients from it), and
/broadcasts to watch and cancel them.

`handlers` hands the feature's handlers to app.py; the /broadcast conversation comes first,
so while one is open its texts and buttons belong to it.
"""

from telegram.ext import CommandHandler

from bot.broadcasting.broadcasts import broadcasts_command, cancel_pressed
from bot.broadcasting.buttons import CancelBroadcast, ResendUncertain
from bot.broadcasting.compose import compose_conversation
from bot.broadcasting.uncertain import resend_pressed
from bot.chat.context import ChatHandler
from bot.chat.presses import Presses
from bot.procedure import Procedure


def handlers(procedure: Procedure) -> list[ChatHandler]:
    """The /broadcast conversation, /broadcasts and its cancel buttons, the final report's
    button that sends again to the uncertain recipients."""
    on = Presses(procedure)
    return [
        compose_conversation(procedure),
        CommandHandler("broadcasts", broadcasts_command),
        on(CancelBroadcast, cancel_pressed),
        on(ResendUncertain, resend_pressed),
    ]
