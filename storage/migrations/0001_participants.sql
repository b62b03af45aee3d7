-- Residents who talked to the bot: enough to answer them in their language. Votes are never
-- stored here (ballots use a pseudonymous voter key, see DESIGN.md).
CREATE TABLE participants (
    user_id     INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL,
    language    TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Staff actions and refused attempts: who did what and when; never residents' messages.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor_id    INTEGER,
    action      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT ''
);
