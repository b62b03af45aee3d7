"""Where typed text of the measures round goes: the prompt shown last says what it answers
(a proposal's title or description, or staff's cost, note or translation)."""

from telegram import Update

from bot.chat.context import ChatContext
from bot.chat.fallback import free_text
from bot.measures import proposals, review_decisions
from bot.measures.writing import asked, typed_text


async def text_typed(update: Update, context: ChatContext) -> None:
    """Typed text while a measures prompt waits for it."""
    parts, text = asked(context), typed_text(update)
    if len(parts) == 2 and parts[0] == "proposal":
        await proposals.typed(update, context, parts[1], text)
    elif parts and parts[0] != "proposal":
        await review_decisions.typed(update, context, parts, text)
    else:
        await free_text(update, context)
