-- The bot's own bookkeeping (not staff settings, so no audit entry): what it last told
-- Telegram (its profile texts, its webhook), when it last handled an update. One row per key.
CREATE TABLE bot_state (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
