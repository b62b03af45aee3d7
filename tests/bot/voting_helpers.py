"""Helpers for the voting stories: open the window, agree, read buttons and the database."""

import sqlite3
from pathlib import Path

from bot.emulated import EmulatedBot
from bot.keyboards import encode
from bot.voting import open_for


def buttons(message) -> list[tuple[str, str]]:
    markup = message.reply_markup or {}
    rows = markup.get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


async def open_window(bot: EmulatedBot, days: int = 30) -> None:
    await open_for(bot.services.database, days, "test.open")


async def agree(bot: EmulatedBot, user_id: int, language: str = "en") -> None:
    """A resident starts the bot, opens "Set your priorities" and agrees."""
    bot.fake.add_user(user_id, language_code=language)
    await bot.send(user_id, "/start")
    await bot.press(user_id, encode("vote"))
    await bot.press(user_id, encode("consent", "yes"))


def rows(path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Read the bot's database file directly, as an auditor with a copy of it would."""
    with sqlite3.connect(path) as connection:
        return connection.execute(sql, params).fetchall()
