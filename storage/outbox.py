"""The broadcast outbox: broadcasts, their texts per language, one delivery row per recipient.

Queueing a broadcast fixes its audience in the same transaction (DESIGN rule 4). The worker
claims a delivery (state 'sending') before handing it to Telegram and records the outcome at
once; on start-up, claims left by a crash go back to 'pending'. A send whose outcome is unknown
(no answer from Telegram) is 'uncertain': final, never sent again on its own; staff may queue
the broadcast again for exactly those recipients (`queue_resend`).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from storage.db import Database
from storage.participants import now
from storage.subscriptions import ACTIVE_SUBSCRIBERS as _SUBSCRIBERS

FINAL = ("sent", "failed", "blocked", "cancelled")
UNCERTAIN = "uncertain"  # final too; `counts` has it only when there are any


@dataclass(frozen=True)
class Broadcast:
    """One broadcast as stored."""

    id: int
    author_id: int | None
    kind: str
    phase_id: str | None
    audience: str
    state: str
    created_at: str
    send_at: str | None
    started_at: str | None
    finished_at: str | None
    late: bool
    news_id: int | None
    resend_of: int | None = None  # sent again to the uncertain recipients of this broadcast


@dataclass(frozen=True)
class Delivery:
    """One message to one chat."""

    broadcast_id: int
    chat_id: int
    language: str
    attempts: int


_COLUMNS = (
    "id, author_id, kind, phase_id, audience, state, created_at, send_at, started_at, "
    "finished_at, late, news_id, resend_of"
)


async def queue(
    db: Database,
    *,
    author_id: int | None,
    kind: str,
    texts: Mapping[str, str],
    default_language: str,
    languages: Iterable[str] | None = None,
    recipients: Iterable[tuple[int, str]] | None = None,
    phase_id: str | None = None,
    send_at: str | None = None,
    news_id: int | None = None,
    only_once: bool = False,
    images: Mapping[str, bytes] | None = None,
) -> int | None:
    """Queue a broadcast with its texts and one delivery per recipient, in one transaction.

    Recipients are the active subscribers at this moment (of `languages`, or all), each in
    their language; or the given (chat id, language) pairs (reminders pick their own).
    """
    chosen = sorted(set(languages)) if languages is not None else None
    audience = ",".join(chosen) if chosen is not None else "all"
    stamp = now()
    async with db.transaction() as connection:
        if only_once:
            found = await connection.execute_fetchall(
                "SELECT 1 FROM broadcasts WHERE kind = ? LIMIT 1", (kind,)
            )
            if list(found):
                return None
        cursor = await connection.execute(
            "INSERT INTO broadcasts (author_id, kind, phase_id, audience, state, created_at, "
            "send_at, news_id) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)",
            (author_id, kind, phase_id, audience, stamp, send_at, news_id),
        )
        broadcast_id = cursor.lastrowid
        assert broadcast_id is not None
        await connection.executemany(
            "INSERT INTO broadcast_texts (broadcast_id, language, text) VALUES (?, ?, ?)",
            [(broadcast_id, language, text) for language, text in texts.items()],
        )
        await connection.executemany(
            "INSERT INTO broadcast_images (broadcast_id, language, png) VALUES (?, ?, ?)",
            [(broadcast_id, language, png) for language, png in (images or {}).items()],
        )
        if recipients is not None:
            await connection.executemany(
                "INSERT OR IGNORE INTO deliveries (broadcast_id, chat_id, language, state, "
                "updated_at) VALUES (?, ?, ?, 'pending', ?)",
                [(broadcast_id, chat, language, stamp) for chat, language in recipients],
            )
        else:
            await connection.execute(
                f"INSERT INTO deliveries (broadcast_id, chat_id, language, state, updated_at) "
                f"SELECT ?, chat_id, language, 'pending', ? FROM ({_SUBSCRIBERS}) "
                "WHERE ? IS NULL OR instr(',' || ? || ',', ',' || language || ',') > 0",
                (broadcast_id, stamp, default_language, audience if chosen else None, audience),
            )
        await connection.execute(
            "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, ?, ?, ?)",
            (stamp, author_id, f"broadcast.{kind}", f"#{broadcast_id} audience={audience}"),
        )
    return broadcast_id


async def queue_resend(db: Database, broadcast_id: int, author_id: int) -> tuple[int, bool] | None:
    """Queue a finished broadcast again for exactly its uncertain recipients who still
    subscribe (same texts and pictures, sent now): (the new broadcast's id, True), or (the id,
    False) when that was done before (once per broadcast), or None when there is nothing to
    send again (unknown, still running, or no uncertain delivery)."""
    stamp = now()
    async with db.transaction() as connection:
        found = list(
            await connection.execute_fetchall(
                "SELECT id FROM broadcasts WHERE resend_of = ?", (broadcast_id,)
            )
        )
        if found:
            return int(found[0][0]), False
        original = list(
            await connection.execute_fetchall(
                "SELECT kind, phase_id, audience FROM broadcasts "
                "WHERE id = ? AND state IN ('done', 'cancelled')",
                (broadcast_id,),
            )
        )
        recipients = list(
            await connection.execute_fetchall(
                "SELECT chat_id, language FROM deliveries WHERE broadcast_id = ? AND state = ? "
                "AND chat_id IN (SELECT chat_id FROM subscriptions WHERE active = 1)",
                (broadcast_id, UNCERTAIN),
            )
        )
        if not original or not recipients:
            return None
        kind, phase_id, audience = original[0]
        cursor = await connection.execute(
            "INSERT INTO broadcasts (author_id, kind, phase_id, audience, state, created_at, "
            "resend_of) VALUES (?, ?, ?, ?, 'queued', ?, ?)",
            (author_id, kind, phase_id, audience, stamp, broadcast_id),
        )
        resend_id = cursor.lastrowid
        assert resend_id is not None
        await connection.executemany(
            "INSERT INTO deliveries (broadcast_id, chat_id, language, state, updated_at) "
            "VALUES (?, ?, ?, 'pending', ?)",
            [(resend_id, chat, language, stamp) for chat, language in recipients],
        )
        await connection.execute(
            "INSERT INTO broadcast_texts (broadcast_id, language, text) "
            "SELECT ?, language, text FROM broadcast_texts WHERE broadcast_id = ?",
            (resend_id, broadcast_id),
        )
        await connection.execute(
            "INSERT INTO broadcast_images (broadcast_id, language, png, file_id) "
            "SELECT ?, language, png, file_id FROM broadcast_images WHERE broadcast_id = ?",
            (resend_id, broadcast_id),
        )
        await connection.execute(
            "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, ?, ?, ?)",
            (stamp, author_id, "broadcast.resend",
             f"#{resend_id} to the {len(recipients)} uncertain of #{broadcast_id}"),
        )  # fmt: skip
    return resend_id, True


async def reminder_candidates(db: Database, default_language: str) -> list[tuple[int, int, str]]:
    """(chat id, user id, language) of active subscribers who asked for the voting reminder."""
    rows = await db.fetchall(
        "SELECT s.chat_id, s.user_id, COALESCE(p.language, ?) FROM subscriptions s "
        "JOIN participants p ON p.user_id = s.user_id WHERE s.active = 1 AND s.reminders = 1",
        (default_language,),
    )
    return [(row[0], row[1], row[2]) for row in rows]


class _KindsSeen:
    """Kinds of broadcast known to exist: broadcasts are never deleted, so once seen, always
    (the reminder check asks every second)."""

    def __init__(self) -> None:
        self.kinds: set[str] = set()


async def exists(db: Database, kind: str) -> bool:
    """True when a broadcast of this kind was ever queued."""
    seen = db.cache(_KindsSeen).kinds
    if kind in seen:
        return True
    if await db.fetchone("SELECT 1 FROM broadcasts WHERE kind = ? LIMIT 1", (kind,)) is None:
        return False
    seen.add(kind)
    return True


async def audience_sizes(
    db: Database, default_language: str, languages: Iterable[str] | None = None
) -> dict[str, int]:
    """Active subscribers per language (of `languages`, or all), for the preview."""
    rows = await db.fetchall(
        f"SELECT language, COUNT(*) FROM ({_SUBSCRIBERS}) GROUP BY language", (default_language,)
    )
    wanted = set(languages) if languages is not None else None
    return {row[0]: row[1] for row in rows if wanted is None or row[0] in wanted}


async def get(db: Database, broadcast_id: int) -> Broadcast | None:
    """One broadcast, or None."""
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM broadcasts WHERE id = ?", (broadcast_id,))
    return Broadcast(*row) if row else None


async def recent(db: Database, limit: int = 10) -> list[Broadcast]:
    """The newest broadcasts first."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM broadcasts ORDER BY id DESC LIMIT ?", (limit,)
    )
    return [Broadcast(*row) for row in rows]


async def texts(db: Database, broadcast_id: int) -> dict[str, str]:
    """language -> message text of a broadcast."""
    rows = await db.fetchall(
        "SELECT language, text FROM broadcast_texts WHERE broadcast_id = ?", (broadcast_id,)
    )
    return {row[0]: row[1] for row in rows}


async def images(db: Database, broadcast_id: int) -> dict[str, tuple[bytes, str | None]]:
    """language -> (PNG, Telegram's file id once uploaded) of a broadcast's picture."""
    rows = await db.fetchall(
        "SELECT language, png, file_id FROM broadcast_images WHERE broadcast_id = ?",
        (broadcast_id,),
    )
    return {row[0]: (bytes(row[1]), row[2]) for row in rows}


async def remember_file_id(db: Database, broadcast_id: int, language: str, file_id: str) -> None:
    """Keep the file id Telegram gave an uploaded picture: later deliveries send it by id."""
    await db.write(
        "UPDATE broadcast_images SET file_id = ? WHERE broadcast_id = ? AND language = ?",
        (file_id, broadcast_id, language),
    )


async def due(db: Database, moment: str) -> list[Broadcast]:
    """Broadcasts to work on: sending ones, and queued ones whose time has come, oldest first."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM broadcasts WHERE state = 'sending' OR (state = 'queued' AND "
        "(send_at IS NULL OR send_at <= ?)) ORDER BY id",
        (moment,),
    )
    return [Broadcast(*row) for row in rows]


async def start(db: Database, broadcast_id: int, late: bool) -> None:
    """Mark a queued broadcast as sending (late: it was due while the bot was down)."""
    async with db.transaction() as connection:
        await connection.execute(
            "UPDATE broadcasts SET state = 'sending', started_at = COALESCE(started_at, ?), "
            "late = MAX(late, ?) WHERE id = ? AND state = 'queued'",
            (now(), int(late), broadcast_id),
        )


async def recover(db: Database) -> int:
    """After a restart: claims a crash left behind go back to pending; returns how many."""
    async with db.transaction() as connection:
        cursor = await connection.execute(
            "UPDATE deliveries SET state = 'pending', updated_at = ? WHERE state = 'sending'",
            (now(),),
        )
        return cursor.rowcount


async def pending(
    db: Database, broadcast_id: int, limit: int, after: int | None = None
) -> list[Delivery]:
    """The next deliveries of a broadcast that are still to be sent, in chat order (only
    chats after `after`, when given: the rest of one pass over the recipients)."""
    rows = await db.fetchall(
        "SELECT broadcast_id, chat_id, language, attempts FROM deliveries "
        "WHERE broadcast_id = ? AND state = 'pending' AND chat_id > ? ORDER BY chat_id LIMIT ?",
        (broadcast_id, -(2**63) if after is None else after, limit),
    )
    return [Delivery(*row) for row in rows]


async def claim_many(db: Database, deliveries: list[Delivery]) -> list[Delivery]:
    """Claim several deliveries of one broadcast in one statement; those still pending."""
    if not deliveries:
        return []
    marks = ",".join("?" * len(deliveries))
    rows = await db.write_returning(
        "UPDATE deliveries SET state = 'sending', attempts = attempts + 1, updated_at = ? "
        f"WHERE broadcast_id = ? AND state = 'pending' AND chat_id IN ({marks}) "
        "RETURNING chat_id",
        (now(), deliveries[0].broadcast_id, *(d.chat_id for d in deliveries)),
    )
    claimed = {row[0] for row in rows}
    return [d for d in deliveries if d.chat_id in claimed]


async def settle_many(db: Database, outcomes: Sequence[tuple[Delivery, str, str | None]]) -> None:
    """Record the outcomes of claimed deliveries in one transaction: sent, failed, blocked
    (which also ends the subscription), or pending again (to be retried)."""
    stamp = now()
    async with db.transaction() as connection:
        await connection.executemany(
            "UPDATE deliveries SET state = ?, last_error = ?, updated_at = ? "
            "WHERE broadcast_id = ? AND chat_id = ? AND state = 'sending'",
            [(state, error, stamp, d.broadcast_id, d.chat_id) for d, state, error in outcomes],
        )
        blocked = [(stamp, d.chat_id) for d, state, _ in outcomes if state == "blocked"]
        if blocked:
            await connection.executemany(
                "UPDATE subscriptions SET active = 0, blocked_at = ? WHERE chat_id = ?", blocked
            )


async def counts(db: Database, broadcast_id: int) -> dict[str, int]:
    """Deliveries per state (pending, sending, sent, failed, blocked, cancelled; uncertain
    only when there are any)."""
    rows = await db.fetchall(
        "SELECT state, COUNT(*) FROM deliveries WHERE broadcast_id = ? GROUP BY state",
        (broadcast_id,),
    )
    found = {state: 0 for state in ("pending", "sending", *FINAL)}
    found.update({row[0]: row[1] for row in rows})
    return found


async def finish(db: Database, broadcast_id: int) -> bool:
    """Mark a sending broadcast done once nothing is pending or in flight; True if it was."""
    async with db.transaction() as connection:
        cursor = await connection.execute(
            "UPDATE broadcasts SET state = 'done', finished_at = ? WHERE id = ? "
            "AND state = 'sending' AND NOT EXISTS (SELECT 1 FROM deliveries WHERE "
            "broadcast_id = ? AND state IN ('pending', 'sending'))",
            (now(), broadcast_id, broadcast_id),
        )
        return cursor.rowcount == 1


async def cancel(db: Database, broadcast_id: int, actor_id: int | None) -> bool:
    """Cancel a queued or sending broadcast: what was sent stays sent, the rest is not sent."""
    stamp = now()
    async with db.transaction() as connection:
        cursor = await connection.execute(
            "UPDATE broadcasts SET state = 'cancelled', finished_at = ? "
            "WHERE id = ? AND state IN ('queued', 'sending')",
            (stamp, broadcast_id),
        )
        if cursor.rowcount != 1:
            return False
        await connection.execute(
            "UPDATE deliveries SET state = 'cancelled', updated_at = ? "
            "WHERE broadcast_id = ? AND state = 'pending'",
            (stamp, broadcast_id),
        )
        await connection.execute(
            "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, ?, ?, ?)",
            (stamp, actor_id, "broadcast.cancel", f"#{broadcast_id}"),
        )
    return True
