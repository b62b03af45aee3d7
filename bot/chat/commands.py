"""Bot commands shown in Telegram's menu, registered per language at start-up."""

import logging

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError

from bot.i18n import Catalogs, Translator

log = logging.getLogger(__name__)

COMMANDS = (
    "start",
    "myballot",
    "results",
    "status",
    "subscribe",
    "unsubscribe",
    "language",
    "help",
    "privacy",
    "mydata",
    "delete",
)


def command_list(t: Translator) -> list[BotCommand]:
    """The resident commands with descriptions in one language."""
    descriptions = {
        "start": t.gettext("main menu"),
        "myballot": t.gettext("what you chose"),
        "results": t.gettext("the results"),
        "status": t.gettext("where the procedure stands, and its news"),
        "subscribe": t.gettext("get the news as messages"),
        "unsubscribe": t.gettext("stop the news"),
        "language": t.gettext("change the language"),
        "help": t.gettext("this help"),
        "privacy": t.gettext("what we store about you"),
        "mydata": t.gettext("see your data"),
        "delete": t.gettext("delete your data"),
    }
    return [BotCommand(name, descriptions[name]) for name in COMMANDS]


def staff_command_list(t: Translator, *, measures: bool = False) -> list[BotCommand]:
    """The commands only staff see (in their private chat with the bot); `measures`: the
    procedure has a measures round, whose staff commands are listed too."""
    found = [
        BotCommand("voting", t.gettext("open, close or extend voting")),
        BotCommand("phase", t.gettext("set the current phase, or mark one postponed")),
        BotCommand("news", t.gettext("publish a news item under /status")),
        BotCommand("results", t.gettext("results, charts and exports for staff")),
    ]
    if measures:
        found += [
            BotCommand("measures", t.gettext("open, close or extend proposals and choosing")),
            BotCommand("proposals", t.gettext("review residents' proposals for measures")),
        ]
    return found


async def register_commands(
    bot: Bot,
    catalogs: Catalogs,
    default_language: str,
    staff: frozenset[int],
    *,
    measures: bool = False,
) -> None:
    """setMyCommands for every language, the default language for everyone else, and the
    staff commands only in staff members' chats. Only private chats get the commands: in a
    group the bot does not work (bot/chat/private.py), so its "/" menu stays empty there."""
    private = BotCommandScopeAllPrivateChats()
    for language in catalogs.languages:
        commands = command_list(catalogs.translator(language))
        await bot.set_my_commands(commands, scope=private, language_code=language)
    t = catalogs.translator(default_language)
    await bot.set_my_commands(command_list(t), scope=private)
    # A command both lists have (/results) appears once, described as staff use it.
    merged = {c.command: c for c in command_list(t)} | {
        c.command: c for c in staff_command_list(t, measures=measures)
    }
    for user_id in sorted(staff):
        try:
            await bot.set_my_commands(list(merged.values()), scope=BotCommandScopeChat(user_id))
        except TelegramError as exc:
            # A staff member who never opened the bot has no chat yet; their commands work.
            log.warning("staff commands not shown for one staff member: %s", exc.message)
