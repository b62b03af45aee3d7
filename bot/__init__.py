"""participation-bot: a Telegram bot for a municipal citizen participation procedure."""
