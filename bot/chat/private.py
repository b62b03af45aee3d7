"""Private chats only: in groups, supergroups and channels the bot does nothing but point to
a private chat, so that nobody else sees anyone's choices, ballot or staff figures.

`private_chats_only()` is the handler of group -2, ahead of everything else (even of reading
the reader in group -1): it takes every update from a chat that is not private and ends its
handling with ApplicationHandlerStop, whatever happens while it answers. The answer:
- the first message in a group or supergroup (or the bot being added to one) gets one short
  note with a link button to the private chat (t.me/<bot>?start=group); later ones, and
  service messages (someone joined ...), get none;
- a button pressed on a message in a group gets an alert saying the same, and changes nothing;
- channel posts, and the bot leaving a group, get no answer at all.
Which groups had their note is kept in memory only (after a restart a group may get one
more); nothing about the group or its members is read from or written to the database. The
note is in the sender's Telegram language when the procedure offers it, else in the
procedure's default language.
"""

import logging

from telegram import ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, BaseHandler

from bot.chat.context import ChatContext
from bot.chat.screens import answer
from bot.i18n import Translator, negotiate

log = logging.getLogger(__name__)

DEEP_LINK_PAYLOAD = "group"  # /start group: an ordinary greeting (bot/welcome/start.py)
_PRESENT = frozenset({ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER})


def _not_private(update: object) -> bool:
    if not isinstance(update, Update):
        return False
    chat = update.effective_chat
    return chat is not None and chat.type != ChatType.PRIVATE


def _translator(update: Update, context: ChatContext) -> Translator:
    """The sender's Telegram language if the procedure offers it, else its default."""
    procedure, user = context.procedure, update.effective_user
    language = negotiate(
        user.language_code if user else None, procedure.languages, procedure.default_language
    )
    return context.services.catalogs.translator(language)


class PrivateChatsOnly(BaseHandler[Update, ChatContext, None]):
    """Takes every update from a group, supergroup or channel; answers once per group."""

    def __init__(self) -> None:
        super().__init__(self._handle)
        self.noted: set[int] = set()  # the ids of the groups that got their note

    def check_update(self, update: object) -> bool:
        """True for an update from a chat that is not private."""
        return _not_private(update)

    async def _handle(self, update: Update, context: ChatContext) -> None:
        try:
            await self._answer(update, context)
        except Exception as exc:  # no error may let the update through to the features
            log.warning(
                "update %s from a group: not answered: %s",
                update.update_id,
                type(exc).__name__,
                exc_info=exc,
            )
        raise ApplicationHandlerStop

    async def _answer(self, update: Update, context: ChatContext) -> None:
        chat = update.effective_chat
        if chat is None or chat.type == ChatType.CHANNEL:
            return
        change = update.my_chat_member
        if change is not None and change.new_chat_member.status not in _PRESENT:
            self.noted.discard(chat.id)  # the bot left: a note again if it is added back
            return
        t = _translator(update, context)
        query = update.callback_query
        if query is not None:
            text = t.gettext(
                "I work only in a private chat, so that nobody else sees your choices. "
                "Please write to me there: @%(bot)s",
                bot=context.bot.username,
            )
            await answer(query, t.bidi(text), alert=True)
            return
        message = update.message
        if change is None and (message is None or not message.text):
            return  # a service message (someone joined, the bot was added ...): no answer
        if chat.id in self.noted:
            return
        self.noted.add(chat.id)  # before sending: two members writing at once get one note
        text = t.gettext(
            "I work only in a private chat, so that nobody else sees your choices. "
            "Tap here to talk to me privately:"
        )
        link = f"https://t.me/{context.bot.username}?start={DEEP_LINK_PAYLOAD}"
        label = t.gettext("Talk to me privately")
        button = InlineKeyboardButton(t.bidi(label), url=link)
        try:
            await chat.send_message(t.bidi(text), reply_markup=InlineKeyboardMarkup([[button]]))
        except Exception:
            self.noted.discard(chat.id)  # not delivered: the next message may try again
            raise


def private_chats_only() -> PrivateChatsOnly:
    """The handler for group -2: groups, supergroups and channels go no further."""
    return PrivateChatsOnly()
