"""`FakeTelegram`: a fake Bot API that keeps state and enforces Telegram's rules.

It is transport-independent: `await fake.call(token, method, params)` answers one request
with (HTTP status, JSON body). Front doors: `EmulatorRequest` (in process, for
python-telegram-bot) and `serve_http` (a local HTTP server speaking the Bot API wire format).

The class is assembled from small mixins, one job each:
core (entry point, faults, waiting), messages and media (writing into chats), account (the
bot's own settings and updates), user_side (what residents do), groups (groups, supergroups
and channels), webhook (setWebhook and the sender that POSTs updates), observe (views for
tests).
"""

from bot.emulator.account import AccountMixin
from bot.emulator.groups import GroupsMixin
from bot.emulator.media import MediaMixin
from bot.emulator.observe import ObserveMixin
from bot.emulator.webhook import WebhookMixin


class FakeTelegram(WebhookMixin, GroupsMixin, ObserveMixin, AccountMixin, MediaMixin):
    """A fake Telegram for one bot token.

    FakeTelegram(token="123456:TEST", bot_username="participation_demo_bot", latency=0.0,
    rate_limit=None, paid_rate_limit=1000.0, bot_name="Participation Demo")
    """
