"""build_application: the one place that wires the bot together.

Nothing happens at import time; the database is opened in post_init (in the loop that runs
the bot) and closed in post_shutdown.
"""

from dataclasses import dataclass, field

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, Defaults
from telegram.request import BaseRequest

from bot import broadcasting, measures, news, privacy, results, voting, welcome
from bot.broadcasting.progress import ProgressMessages
from bot.broadcasting.publishing import keyboards, on_start, renderer
from bot.broadcasting.send_budget import BudgetLimiter, SendBudget
from bot.broadcasting.worker import BroadcastWorker
from bot.chat.aiohttp_request import AiohttpRequest
from bot.chat.commands import register_commands
from bot.chat.context import (
    CONTEXT_TYPES,
    SERVICES,
    ChatBot,
    ChatContext,
    Data,
    resolve_reader,
    services_of,
)
from bot.chat.errors import on_error
from bot.chat.fallback import fallback_handlers
from bot.chat.menu import Menu
from bot.chat.private import private_chats_only
from bot.chat.services import Services
from bot.chat.updates import Deliveries, PerUserUpdateProcessor, PollingBot, UpdateHook
from bot.config import FREE_RATE_LIMIT, PAID_RATE_LIMIT, Settings
from bot.i18n import Catalogs
from bot.measures.seeding import seed_file_measures
from bot.news.reminders import queue_reminder
from bot.operations.heartbeat import GROUP as HEARTBEAT_GROUP
from bot.operations.heartbeat import Heartbeat
from bot.privacy.retention import RetentionGuard, mark_earlier_voters
from bot.procedure import Procedure
from bot.profile import update_profile
from bot.resources import locales_dir
from bot.voting.rules import RulesChangedError, rule_changes
from storage import ballots
from storage.db import Database

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
LIFECYCLE = "lifecycle"  # the key of the Lifecycle in application.bot_data
ChatApplication = Application[ChatBot, ChatContext, Data, Data, Data, None]

# The main menu, top to bottom; its shape is stable (bot/chat/menu.py), "My ballot" appears
# once a ballot exists; "Measures" is there when the procedure has a measures round.
MENU = Menu(
    (
        voting.VOTE_ENTRY,
        voting.MYBALLOT_ENTRY,
        news.STATUS_ENTRY,
        welcome.home.NEWS_ENTRY,
        voting.FIELDS_ENTRY,
        results.RESULTS_ENTRY,
        welcome.HELP_ENTRY,
        privacy.PRIVACY_ENTRY,
        welcome.LANGUAGE_ENTRY,
    )
)


def menu_for(procedure: Procedure) -> Menu:
    """The main menu of this procedure: with the measures round's entry (after the results)
    when it has one."""
    if procedure.measures is None:
        return MENU
    entries = list(MENU.entries)
    entries.insert(entries.index(results.RESULTS_ENTRY) + 1, measures.MEASURES_ENTRY)
    return Menu(tuple(entries))


def build_application(
    settings: Settings,
    procedure: Procedure,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    on_update_done: UpdateHook | None = None,
) -> ChatApplication:
    """The bot: handlers, error handler, per-user ordered concurrency, start-up and shutdown.

    `request`/`get_updates_request` replace the HTTP client (the emulator's in-process front
    door); `on_update_done` is called after every handled update (demo and tests wait on it).
    """
    catalogs = Catalogs.load(locales_dir(), procedure.languages, procedure.timezone)
    ceiling = PAID_RATE_LIMIT if settings.paid_broadcast else FREE_RATE_LIMIT
    lifecycle = Lifecycle(SendBudget(settings.broadcast_rate, ceiling))
    # getUpdates confirms an update only once the processor has handled it, and skips one the
    # library cannot read (chat/updates.py): the two share what was fetched and not yet handled.
    deliveries = Deliveries()
    bot: ChatBot = PollingBot(
        deliveries,
        settings.require_token(),
        base_url=settings.api_url,
        defaults=Defaults(parse_mode=ParseMode.HTML),
        # Every request but getUpdates passes the budget: it counts residents' new messages,
        # so that a running broadcast leaves them room under Telegram's flood limit.
        rate_limiter=BudgetLimiter(lifecycle.budget),
        # aiohttp rather than python-telegram-bot's httpx: the same HTTP for a fraction of the
        # CPU per call (docs/DESIGN-NOTES.md, "Speed").
        request=request or AiohttpRequest(connection_pool_size=256),
        # As ApplicationBuilder makes it: one connection for the long poll.
        get_updates_request=get_updates_request or AiohttpRequest(connection_pool_size=1),
    )
    application: ChatApplication = (
        Application.builder()
        .bot(bot)
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(PerUserUpdateProcessor(on_done=on_update_done, deliveries=deliveries))
        .job_queue(None)
        .post_init(lifecycle.post_init)
        .post_shutdown(lifecycle.post_shutdown)
        .build()
    )
    application.bot_data[SERVICES] = Services(settings, procedure, catalogs, menu_for(procedure))
    application.bot_data[LIFECYCLE] = lifecycle
    _add_handlers(application, procedure)
    return application


def _add_handlers(application: ChatApplication, procedure: Procedure) -> None:
    # Group -3 sees every update and passes it on: when the last one was handled (for stats).
    application.add_handler(Heartbeat(), group=HEARTBEAT_GROUP)
    # Group -2 next: in groups, supergroups and channels the bot only leaves a note.
    application.add_handler(private_chats_only(), group=-2)
    # Group -1 next, for every private update: who is reading, in which language.
    application.add_handler(resolve_reader(), group=-1)
    # Note: order matters. The staff's /broadcast conversation comes first (while one is open,
    # its texts and buttons belong to it); then each feature's commands and buttons; last the
    # out-of-date button, any other command, any other message.
    # Text typed for a measures prompt (a proposal's title, staff's cost) goes there first,
    # ahead of a field screen's typed numbers, but only while that prompt was shown last.
    application.add_handlers(measures.writing_handlers(procedure))
    for feature in (broadcasting, welcome, voting, news, results, measures, privacy):
        application.add_handlers(feature.handlers(procedure))
    application.add_handlers(fallback_handlers())
    application.add_error_handler(on_error)


@dataclass
class Lifecycle:
    """Start-up and shutdown: the database, the check of the voting rules, the outbox worker
    (which delivers broadcasts at the send budget's pace and queues the reminder before the
    close) and the command menu."""

    budget: SendBudget
    worker: BroadcastWorker | None = field(default=None)

    async def post_init(self, application: ChatApplication) -> None:
        """Open the database, refuse changed voting rules, start the worker, set commands and
        the profile texts that changed."""
        services = services_of(application)
        services.db = db = await Database.open(services.settings.database)
        frozen = await ballots.frozen_rules(db)
        changes = rule_changes(frozen, services.procedure) if frozen else []
        if changes:
            await db.close()
            services.db = None
            raise RulesChangedError(services.procedure.source, changes)

        await seed_file_measures(db, services.procedure)
        retention = RetentionGuard(db, services.procedure, services.settings.secret or "")
        if services.settings.secret:
            await mark_earlier_voters(db, services.settings.secret)

        async def tick() -> None:
            await queue_reminder(services)
            if services.settings.secret:
                await retention.tick()

        progress = ProgressMessages(application.bot, db, services.catalogs, services.procedure)
        self.worker = BroadcastWorker(
            application.bot,
            db,
            self.budget,
            paid=services.settings.paid_broadcast,
            progress=progress,
            tick=tick,
            render=renderer(services.catalogs, services.procedure),
            on_start=on_start(db, services.procedure),
            keyboards=keyboards(services.catalogs, services.procedure),
        )
        services.wake_outbox = self.worker.wake
        self.worker.start()
        await register_commands(
            application.bot,
            services.catalogs,
            services.procedure.default_language,
            services.settings.admins,
            measures=services.procedure.measures is not None,
        )
        await update_profile(application.bot, db, services.procedure, services.catalogs)

    async def post_shutdown(self, application: ChatApplication) -> None:
        """Stop the worker after the messages in flight, then close the database."""
        services = services_of(application)
        if self.worker is not None:
            await self.worker.stop()
            self.worker = None
        if services.db is not None:
            await services.db.close()
            services.db = None


def lifecycle_of(application: ChatApplication) -> Lifecycle:
    """The Lifecycle of an application (the demo, tests and benchmarks reach the worker)."""
    found = application.bot_data[LIFECYCLE]
    assert isinstance(found, Lifecycle)
    return found
