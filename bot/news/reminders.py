"""The one reminder before voting closes, for subscribers who asked for it.

Checked by the broadcast worker every round. When the window is open and the close is at most
`reminder_hours` away, the reminder is queued once, through the same outbox as broadcasts, in
each subscriber's language, and only to those who have not finished all action fields.
"""

from datetime import UTC, datetime, timedelta

from bot.chat.services import Services
from bot.voting.voter import voter_key
from bot.voting.window import WindowState, window
from storage import ballots, outbox


async def queue_reminder(services: Services, moment: datetime | None = None) -> int | None:
    """Queue the reminder if it is due and was never queued; the broadcast id, or None."""
    if services.db is None or not services.settings.secret:
        return None
    db, procedure = services.db, services.procedure
    current = await window(db, procedure)
    moment = moment or datetime.now(UTC)
    due = current.closes - timedelta(hours=procedure.voting.reminder_hours)
    if current.state(moment) is not WindowState.OPEN or moment < due:
        return None
    if await outbox.exists(db, "reminder"):
        return None
    recipients = []
    for chat_id, user_id, language in await outbox.reminder_candidates(
        db, procedure.default_language
    ):
        ballot = await ballots.ballot(db, voter_key(services.settings.secret, user_id))
        if not all(ballot.answered(f.id) for f in procedure.fields):
            recipients.append((chat_id, language))
    texts = {}
    for language in procedure.languages:
        t = services.catalogs.translator(language)
        texts[language] = t.bidi(
            t.gettext(
                "⏰ Voting closes on %(date)s. You have not set your priorities in every action "
                "field yet. Tap /start and then “Set your priorities” to continue.",
                date=t.datetime(current.closes),
            )
        )
    return await outbox.queue(
        db,
        author_id=None,
        kind="reminder",
        texts=texts,
        default_language=procedure.default_language,
        recipients=recipients,
        only_once=True,
    )
