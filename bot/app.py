"""build_application: the one place that wires the bot together.

Nothing happens at import time; the database is opened in post_init (in the loop that runs
the bot) and closed in post_shutdown.
"""

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot import publishing
from bot.broadcast import BroadcastWorker
from bot.broadcast_report import ProgressMessages
from bot.commands import register_commands
from bot.config import FREE_RATE_LIMIT, PAID_RATE_LIMIT, Settings
from bot.handlers.broadcasts import broadcasts_command
from bot.handlers.callbacks import route_button
from bot.handlers.compose import compose_conversation
from bot.handlers.errors import on_error
from bot.handlers.fallback import free_text, unknown_command
from bot.handlers.info import help_command, privacy_command
from bot.handlers.language import language_command
from bot.handlers.myballot import myballot_command
from bot.handlers.staff import voting_command
from bot.handlers.staff_news import news_command
from bot.handlers.staff_phase import phase_command
from bot.handlers.start import start
from bot.handlers.status import status_command
from bot.handlers.subscribe import membership_changed, subscribe_command, unsubscribe_command
from bot.i18n import Catalogs
from bot.procedure import Procedure
from bot.reminders import queue_reminder
from bot.resources import locales_dir
from bot.send_budget import BudgetedRequest, SendBudget
from bot.services import KEY, Services
from bot.updates import PerUserUpdateProcessor, UpdateHook
from bot.voting import RulesChangedError, rule_changes
from storage import ballots
from storage.db import Database

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]


def build_application(
    settings: Settings,
    procedure: Procedure,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    on_update_done: UpdateHook | None = None,
) -> Application:
    """The bot: handlers, error handler, per-user ordered concurrency, start-up and shutdown.

    `request`/`get_updates_request` replace the HTTP client (the emulator's in-process front
    door); `on_update_done` is called after every handled update (demo and tests wait on it).
    """
    catalogs = Catalogs.load(locales_dir(), procedure.languages, procedure.timezone)
    ceiling = PAID_RATE_LIMIT if settings.paid_broadcast else FREE_RATE_LIMIT
    budget = SendBudget(settings.broadcast_rate, ceiling)
    # Every request passes the budget, which counts residents' new messages so that a running
    # broadcast leaves them room under Telegram's flood limit.
    request = BudgetedRequest(request or HTTPXRequest(connection_pool_size=256), budget)
    builder = (
        Application.builder()
        .token(settings.require_token())
        .base_url(settings.api_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .concurrent_updates(PerUserUpdateProcessor(on_done=on_update_done))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    application = builder.build()
    application.bot_data[KEY] = Services(settings, procedure, catalogs, budget=budget)
    _add_handlers(application)
    return application


def _add_handlers(application: Application) -> None:
    # Order matters: the staff's /broadcast conversation first (while one is open, its texts
    # and buttons belong to it), then known commands, any other command, any other message.
    application.add_handler(compose_conversation())
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("language", language_command))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler("privacy", privacy_command))
    application.add_handler(CommandHandler("myballot", myballot_command))
    application.add_handler(CommandHandler("voting", voting_command))
    application.add_handler(CommandHandler("broadcasts", broadcasts_command))
    application.add_handler(CommandHandler("status", status_command))
    application.add_handler(CommandHandler("subscribe", subscribe_command))
    application.add_handler(CommandHandler("unsubscribe", unsubscribe_command))
    application.add_handler(CommandHandler("phase", phase_command))
    application.add_handler(CommandHandler("news", news_command))
    # The bot's own membership in private chats: a resident who blocks it is unsubscribed.
    application.add_handler(ChatMemberHandler(membership_changed, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(CallbackQueryHandler(route_button))
    private = filters.ChatType.PRIVATE
    application.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(private & ~filters.COMMAND, free_text))
    application.add_error_handler(on_error)


async def _post_init(application: Application) -> None:
    services: Services = application.bot_data[KEY]
    services.db = await Database.open(services.settings.database)
    frozen = await ballots.frozen_rules(services.db)
    changes = rule_changes(frozen, services.procedure) if frozen else []
    if changes:
        await services.db.close()
        services.db = None
        raise RulesChangedError(services.procedure.source, changes)
    services.worker = BroadcastWorker(
        application.bot,
        services.db,
        services.budget,
        paid=services.settings.paid_broadcast,
        progress=ProgressMessages(
            application.bot, services.db, services.catalogs, services.procedure
        ),
        tick=lambda: queue_reminder(services),
        render=publishing.renderer(services.catalogs, services.procedure),
        on_start=publishing.on_start(services.db, services.procedure),
    )
    services.worker.start()
    await register_commands(
        application.bot,
        services.catalogs,
        services.procedure.default_language,
        services.settings.admins,
    )


async def _post_shutdown(application: Application) -> None:
    services: Services = application.bot_data[KEY]
    if services.worker is not None:
        await services.worker.stop()
        services.worker = None
    if services.db is not None:
        await services.db.close()
        services.db = None
