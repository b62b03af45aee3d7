"""Bot commands shown in Telegram's menu, registered per language at start-up."""

from telegram import Bot, BotCommand

from bot.i18n import Catalogs, Translator

COMMANDS = ("start", "language", "help", "privacy")


def command_list(t: Translator) -> list[BotCommand]:
    """The resident commands with descriptions in one language."""
    descriptions = {
        "start": t.gettext("main menu"),
        "language": t.gettext("change the language"),
        "help": t.gettext("this help"),
        "privacy": t.gettext("what we store about you"),
    }
    return [BotCommand(name, descriptions[name]) for name in COMMANDS]


async def register_commands(bot: Bot, catalogs: Catalogs, default_language: str) -> None:
    """setMyCommands for every language, and the default language for everyone else."""
    for language in catalogs.languages:
        commands = command_list(catalogs.translator(language))
        await bot.set_my_commands(commands, language_code=language)
    await bot.set_my_commands(command_list(catalogs.translator(default_language)))
