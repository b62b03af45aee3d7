"""The bot's profile in Telegram, per language: the description a person reads before pressing
Start, and the short description on the profile page and wherever the bot is shared.

texts.py composes both from the procedure file and the catalogs and measures them as Telegram
does; publish.py sets at start-up only what Telegram does not have yet. `participation-bot
check` reports a text over Telegram's limits (`problems`).
"""

from bot.profile.publish import update_profile
from bot.profile.texts import DESCRIPTION, SHORT_DESCRIPTION, ProfileText, problems, profile_texts

__all__ = [
    "DESCRIPTION",
    "SHORT_DESCRIPTION",
    "ProfileText",
    "problems",
    "profile_texts",
    "update_profile",
]
