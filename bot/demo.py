"""`participation-bot demo`: chat with the real bot in this terminal, offline.

The real Application runs against the built-in emulator. Bot messages are printed with their
buttons numbered; type a number to press a button of the latest message, or type text or a
command. A leading ' sends the rest as text: '4 sends the text "4" instead of pressing button 4
(for staff answers that are numbers). Works with a pipe too (one action per line), so it can be
scripted:

    printf '2\\n1\\n' | participation-bot demo

`--staff` makes the demo user staff (as if in BOT_ADMINS), for /voting, /news and the results.
"""

import asyncio
import secrets
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.emulated import EmulatedBot
from bot.emulator import render_message
from bot.logs import setup_logging
from bot.measures.windows import ROUNDS, open_measures_for
from bot.procedure import load_procedure
from bot.voting.window import open_for
from storage.db import DatabaseLock, check_database

DEMO_USER = 1001
QUIT = {"quit", "exit", "/quit", "q"}
AS_TEXT = "'"  # '4 sends the text "4"; a bare 4 presses button 4


class Terminal:
    """Prints what the bot shows a resident, once per new or changed message."""

    def __init__(self, bot: EmulatedBot, out: TextIO) -> None:
        self.bot = bot
        self.out = out
        self._shown: dict[int, tuple[str | None, object]] = {}
        self._alerts_seen = 0

    def print_news(self) -> None:
        """Print bot messages that are new or were edited since the last call, and pop-ups."""
        fake = self.bot.fake
        for message in fake.bot_messages(DEMO_USER):
            version = (message.text, message.reply_markup)
            if self._shown.get(message.message_id) == version:
                continue
            self._shown[message.message_id] = version
            print(f"\n── bot ──\n{render_message(message)}", file=self.out)
        alerts = [a for a in fake.answered_callbacks.values() if a.text]
        for alert in alerts[self._alerts_seen :]:
            print(f"\n[pop-up] {alert.text}", file=self.out)
        self._alerts_seen = len(alerts)
        self.out.flush()

    def button_data(self, number: int) -> str | None:
        """The callback data of button `number` (1-based) on the latest message with buttons."""
        for message in reversed(self.bot.fake.bot_messages(DEMO_USER)):
            rows = (message.reply_markup or {}).get("inline_keyboard", [])
            if rows:
                flat = [b for row in rows for b in row]
                if 1 <= number <= len(flat):
                    data = flat[number - 1].get("callback_data")
                    return data if isinstance(data, str) else None
                return None
        return None


async def _chat(bot: EmulatedBot, lines: TextIO, out: TextIO) -> None:
    terminal = Terminal(bot, out)
    interactive = lines.isatty()
    await bot.send(DEMO_USER, "/start")
    terminal.print_news()
    while True:
        if interactive:
            print("\nyou> ", end="", file=out, flush=True)
        line = await asyncio.to_thread(lines.readline)
        if not line:
            break
        action = line.strip()
        if not action:
            continue
        if action.lower() in QUIT:
            break
        if not interactive:
            print(f"\nyou> {action}", file=out)
        if action.startswith(AS_TEXT) and len(action) > 1:
            await bot.send(DEMO_USER, action[1:])
        elif action.isdigit():
            data = terminal.button_data(int(action))
            if data is None:
                print(f"(there is no button {action} on the latest message)", file=out)
                continue
            await bot.press(DEMO_USER, data)
        else:
            await bot.send(DEMO_USER, action)
        terminal.print_news()


def _run(bot: EmulatedBot, user_language: str | None) -> None:
    bot.fake.add_user(DEMO_USER, "Demo", language_code=user_language or None)
    print(
        "participation-bot demo: the real bot, offline, against the built-in emulator.\n"
        "Type a number to press a button, or text or a command (/help); '4 sends the text "
        "\"4\" instead of pressing button 4; 'quit' ends.",
        file=sys.stdout,
    )

    async def main() -> None:
        async with bot:
            # The demo's voting window is open for a month from now, whatever the file says; so
            # are both windows of a measures round (proposals and choosing), to try them all.
            await open_for(bot.services.database, 30, "demo.open")
            if bot.services.procedure.measures is not None:
                for which in ROUNDS:
                    await open_measures_for(bot.services.database, which, 30, "demo.open")
            await _chat(bot, sys.stdin, sys.stdout)

    asyncio.run(main())


def demo(settings: Settings, *, user_language: str | None = "en", staff: bool = False) -> int:
    """Run the demo chat until EOF or "quit"; returns the exit status. With `staff`, the demo
    user is staff (one of BOT_ADMINS)."""
    setup_logging(settings.log_level if settings.log_level != "INFO" else "WARNING", [])
    procedure = load_procedure(settings.procedure)
    with tempfile.TemporaryDirectory(prefix="participation-demo-") as folder:
        database = settings.database
        if settings.database == Path("participation.db") and not database.exists():
            # A throw-away database unless one was asked for: the demo leaves nothing behind.
            database = Path(folder) / "demo.db"
        # One bot per database, the demo too: locked before the file is even read.
        with DatabaseLock(database) as lock:
            check_database(database)
            admins = settings.admins | {DEMO_USER} if staff else settings.admins
            settings = replace(
                settings, database=database, secret=secrets.token_urlsafe(32), admins=admins
            )
            _run(EmulatedBot(settings, procedure, lock=lock), user_language)
    return 0
