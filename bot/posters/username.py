"""The bot's username from Telegram (getMe), for posters made without --bot-username.

Asked through the configured Bot API URL (BOT_API_URL), as the running bot would; the token is
never printed: a refused token or an unreachable server is one line naming the setting.
"""

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.config import ConfigError


async def username_from_telegram(token: str, api_url: str) -> str:
    """The username getMe reports for the bot with this token."""
    try:
        async with Bot(token, base_url=api_url) as bot:  # initialising it calls getMe
            username = bot.username
    except InvalidToken as exc:
        raise ConfigError(
            "BOT_TOKEN (--token): Telegram rejected the token; copy it again from @BotFather, "
            "or pass --bot-username NAME"
        ) from exc
    except (NetworkError, TelegramError) as exc:
        reason = exc.message.replace(token, "<token>")  # a client error may quote the URL
        raise ConfigError(
            f"cannot ask Telegram for the bot's username at {api_url} ({reason}); "
            "pass --bot-username NAME"
        ) from exc
    if not username:
        raise ConfigError("Telegram gave no username for this bot; pass --bot-username NAME")
    return username
