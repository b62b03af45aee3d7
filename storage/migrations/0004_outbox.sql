-- Broadcasts are an outbox (DESIGN rule 4): confirming one writes a delivery row per recipient
-- in one transaction; the worker sends them and records each outcome at once.

CREATE TABLE broadcasts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    author_id       INTEGER,                        -- staff user id; NULL for the system (reminders)
    kind            TEXT NOT NULL CHECK (kind IN ('news', 'phase', 'reminder')),
    phase_id        TEXT,                           -- for kind 'phase'
    audience        TEXT NOT NULL,                  -- 'all' or languages separated by commas
    state           TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'done', 'cancelled')),
    created_at      TEXT NOT NULL,
    send_at         TEXT,                           -- scheduled time (UTC ISO), NULL = now
    started_at      TEXT,
    finished_at     TEXT,
    late            INTEGER NOT NULL DEFAULT 0,     -- started after its time (the bot was down)
    news_id         INTEGER REFERENCES news (id)
);
CREATE INDEX broadcasts_state ON broadcasts (state);

-- The message per language group, exactly as it is sent (Telegram HTML).
CREATE TABLE broadcast_texts (
    broadcast_id    INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    language        TEXT NOT NULL,
    text            TEXT NOT NULL,
    PRIMARY KEY (broadcast_id, language)
) WITHOUT ROWID;

-- One row per (broadcast, chat). 'sending' marks a message handed to Telegram and not yet
-- confirmed: after a crash it is the one message that may have gone out unrecorded.
CREATE TABLE deliveries (
    broadcast_id    INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    chat_id         INTEGER NOT NULL,
    language        TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN
                        ('pending', 'sending', 'sent', 'failed', 'blocked', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (broadcast_id, chat_id)
) WITHOUT ROWID;
CREATE INDEX deliveries_pending ON deliveries (state, broadcast_id);
