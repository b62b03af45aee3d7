"""Residents' data rights and retention: what is stored about one resident, erasing it,
withdrawing consent, and purging the link between Telegram ids and the procedure.

Each change is one transaction over every table concerned, so nothing is left half erased.
The audit log records that it happened, never whose data it was.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import aiosqlite

from storage import ballots, measures, participants
from storage.ballots import Ballot
from storage.db import Database
from storage.measures import BudgetBallot, Measure
from storage.participants import Participant, now


@dataclass(frozen=True)
class Subscription:
    """A resident's subscription to the news, as stored."""

    active: bool
    reminders: bool
    subscribed_at: str
    unsubscribed_at: str | None
    blocked_at: str | None


@dataclass(frozen=True)
class StoredData:
    """Everything stored about one resident."""

    participant: Participant | None
    subscription: Subscription | None
    ballot: Ballot
    pending_messages: int  # news messages queued for them and not yet sent
    # The measures round: their own proposals (found by their Telegram id) and their budget
    # ballot (through the voter key) with the measures it holds.
    proposals: tuple[Measure, ...] = ()
    budget: BudgetBallot = field(default_factory=lambda: BudgetBallot(frozenset(), 0))
    chosen: tuple[Measure, ...] = ()


async def stored_data(db: Database, user_id: int, chat_id: int, voter_key: str) -> StoredData:
    """What the bot stores about this resident (their ballot found through the voter key)."""
    row = await db.fetchone(
        "SELECT active, reminders, subscribed_at, unsubscribed_at, blocked_at "
        "FROM subscriptions WHERE chat_id = ?",
        (chat_id,),
    )
    subscription = Subscription(bool(row[0]), bool(row[1]), row[2], row[3], row[4]) if row else None
    pending = await db.fetchone(
        "SELECT COUNT(*) FROM deliveries WHERE chat_id = ? AND state IN ('pending', 'sending')",
        (chat_id,),
    )
    budget = await measures.budget_ballot(db, voter_key)
    chosen = [await measures.get(db, measure_id) for measure_id in sorted(budget.chosen)]
    return StoredData(
        participant=await participants.get(db, user_id),
        subscription=subscription,
        ballot=await ballots.ballot(db, voter_key),
        pending_messages=int(pending[0]) if pending else 0,
        proposals=tuple(await measures.of_proposer(db, user_id)),
        budget=budget,
        chosen=tuple(m for m in chosen if m is not None),
    )


async def _erase_chat(connection: aiosqlite.Connection, user_id: int, chat_id: int) -> None:
    # Subscriptions and deliveries are keyed by chat; a staff action the resident tried (a
    # refused staff command) carries their id in the audit log.
    await connection.execute("DELETE FROM subscriptions WHERE chat_id = ? OR user_id = ?",
                             (chat_id, user_id))  # fmt: skip
    await connection.execute("DELETE FROM deliveries WHERE chat_id = ?", (chat_id,))
    await connection.execute("UPDATE audit_log SET actor_id = NULL WHERE actor_id = ?", (user_id,))


async def _erase_measures(connection: aiosqlite.Connection, user_id: int, voter_key: str) -> bool:
    """The resident's part in the measures round: their budget ballot (the tallies drop it at
    once, by trigger); their proposals that nobody else chose to build on (pending, rejected,
    withdrawn) with their texts; and their name on the others. Approved and merged proposals
    stay, without the link to them: staff approved them for everyone, other residents chose
    them within their budgets (a measure that vanished would change their ballots and the
    funded list behind their backs), and merged ones are part of the measure they were
    merged into. What the proposer wrote is then the city's text of the measure. True when
    anything was there."""
    budget = await connection.execute(
        "DELETE FROM budget_ballots WHERE voter_key = ?", (voter_key,)
    )
    own = list(
        await connection.execute_fetchall(
            "SELECT id FROM measures WHERE proposer_id = ? AND state IN (?, ?, ?)",
            (user_id, measures.PENDING, measures.REJECTED, measures.WITHDRAWN),
        )
    )
    ids = [int(row[0]) for row in own]
    await connection.executemany(
        "DELETE FROM measure_texts WHERE measure_id = ?", [(i,) for i in ids]
    )
    await connection.executemany("DELETE FROM measures WHERE id = ?", [(i,) for i in ids])
    kept = await connection.execute(
        "UPDATE measures SET proposer_id = NULL WHERE proposer_id = ?", (user_id,)
    )
    return budget.rowcount > 0 or bool(ids) or kept.rowcount > 0


async def _audit(connection: aiosqlite.Connection, action: str, detail: str = "") -> None:
    await connection.execute(
        "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, NULL, ?, ?)",
        (now(), action, detail),
    )


async def erase(db: Database, user_id: int, chat_id: int, voter_key: str) -> bool:
    """Erase everything about the resident in one transaction: the participant, their ballot,
    their subscription, the news messages to them (queued or sent) and reminder state, their
    id in the audit log, and their part in the measures round (`_erase_measures`: the budget
    ballot, their proposals, their name on approved ones). The audit log records that a
    deletion happened, not whose. True when anything was there."""
    try:
        async with db.transaction() as connection:
            had_ballot = await ballots.erase_ballot(connection, voter_key)
            had_measures = await _erase_measures(connection, user_id, voter_key)
            had_row = await participants.erase(connection, user_id)
            await _erase_chat(connection, user_id, chat_id)
            await _audit(connection, "privacy.erase")
    finally:
        participants.forget(db, user_id)
    return had_ballot or had_measures or had_row


async def withdraw_consent(db: Database, user_id: int, voter_key: str) -> bool:
    """The resident no longer agrees: their ballot (and budget ballot: the same consent
    covers it) goes and the consent with it, in one transaction; their language,
    subscription and proposals stay. True when there was a ballot."""
    try:
        async with db.transaction() as connection:
            had_ballot = await ballots.erase_ballot(connection, voter_key)
            budget = await connection.execute(
                "DELETE FROM budget_ballots WHERE voter_key = ?", (voter_key,)
            )
            had_ballot = had_ballot or budget.rowcount > 0
            await participants.withdraw_consent(connection, user_id)
            await _audit(connection, "privacy.withdraw")
    finally:
        participants.forget(db, user_id)
    return had_ballot


@dataclass(frozen=True)
class Purged:
    """What a purge removed."""

    participants: int
    ballots_unlinked: int


async def purge(db: Database, key_of: Callable[[int], str], before: str | None = None) -> Purged:
    """Remove the link between Telegram ids and the procedure, in one transaction.

    `before` (UTC ISO): only residents last seen before then; None: everybody (after the
    procedure ended). Their participant rows, subscriptions and news deliveries go, and user
    ids leave the audit log and the measures they proposed (the proposals stay, nobody's);
    their ballots and budget ballots stay in the tallies under a new random key that no
    secret leads to (`key_of` is the bot's voter key, HMAC of the user id)."""
    where, params = ("", ()) if before is None else (" WHERE updated_at < ?", (before,))
    async with db.transaction() as connection:
        # Participation per language is an anonymous figure: it stays, though the rows it
        # was counted from go (their delete trigger would take it down).
        languages = list(
            await connection.execute_fetchall("SELECT language, voters FROM language_tally")
        )
        rows = list(
            await connection.execute_fetchall(
                "SELECT user_id, chat_id FROM participants" + where, params
            )
        )
        unlinked = 0
        for user_id, chat_id in rows:
            unlinked += await _unlink(connection, key_of(int(user_id)))
            await _erase_chat(connection, int(user_id), int(chat_id))
            await participants.erase(connection, int(user_id))
            await connection.execute(
                "UPDATE measures SET proposer_id = NULL WHERE proposer_id = ?", (int(user_id),)
            )
        if before is None:
            # Everything left that names a chat or a person: orphaned deliveries and
            # subscriptions, staff ids in the audit log.
            await connection.execute("DELETE FROM deliveries")
            await connection.execute("DELETE FROM subscriptions")
            await connection.execute("UPDATE audit_log SET actor_id = NULL")
            await connection.execute(
                "UPDATE measures SET proposer_id = NULL WHERE proposer_id IS NOT NULL"
            )
            # A ballot whose resident had no participant row any more still had a key a
            # secret leads to: every key left gets a random one too.
            left = await connection.execute_fetchall(
                "SELECT voter_key FROM voters WHERE voter_key NOT LIKE 'purged-%' UNION "
                "SELECT voter_key FROM ballots WHERE voter_key NOT LIKE 'purged-%' UNION "
                "SELECT voter_key FROM abstentions WHERE voter_key NOT LIKE 'purged-%' UNION "
                "SELECT voter_key FROM field_ranks WHERE voter_key NOT LIKE 'purged-%' UNION "
                "SELECT voter_key FROM budget_ballots WHERE voter_key NOT LIKE 'purged-%'"
            )
            for (key,) in list(left):
                unlinked += await _unlink(connection, str(key))
        await connection.executemany(
            "UPDATE language_tally SET voters = ? WHERE language = ?",
            [(voters, language) for language, voters in languages],
        )
        await _audit(connection, "privacy.purge", f"{len(rows)} participants")
    for user_id, _ in rows:
        participants.forget(db, int(user_id))
    return Purged(len(rows), unlinked)


async def _unlink(connection: aiosqlite.Connection, voter_key: str) -> int:
    """Give one voter's ballot rows a new random key (the tallies do not change: no trigger
    watches the key). 1 when the voter had a ballot."""
    found = list(
        await connection.execute_fetchall(
            "SELECT 1 FROM voters WHERE voter_key = ?1 UNION SELECT 1 FROM ballots "
            "WHERE voter_key = ?1 UNION SELECT 1 FROM abstentions WHERE voter_key = ?1 "
            "UNION SELECT 1 FROM field_ranks WHERE voter_key = ?1 "
            "UNION SELECT 1 FROM budget_ballots WHERE voter_key = ?1",
            (voter_key,),
        )
    )
    if not found:
        return 0
    fresh = "purged-" + (await _random_hex(connection))
    for table in ("ballots", "abstentions", "field_ranks", "voters", "budget_ballots"):
        # The table names are the fixed ones above, never input.
        await connection.execute(
            f"UPDATE {table} SET voter_key = ? WHERE voter_key = ?", (fresh, voter_key)
        )
    return 1


async def _random_hex(connection: aiosqlite.Connection) -> str:
    row = list(await connection.execute_fetchall("SELECT lower(hex(randomblob(16)))"))
    return str(row[0][0])
