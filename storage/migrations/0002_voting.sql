-- Prioritisation. Ballot tables are keyed by the voter key, HMAC-SHA256(BOT_SECRET, user id):
-- no Telegram id and no timestamp, so that the tables alone do not say who voted what, nor
-- (by matching times with participants) who voted when.

ALTER TABLE participants ADD COLUMN consent_at TEXT;

-- One row per sub-goal a voter chose: weight 1 (top_n) or the points given (points).
CREATE TABLE ballots (
    voter_key   TEXT NOT NULL,
    field_id    TEXT NOT NULL,
    goal_id     TEXT NOT NULL,
    weight      INTEGER NOT NULL CHECK (weight > 0),
    PRIMARY KEY (voter_key, field_id, goal_id)
) WITHOUT ROWID;

-- "No preference in this field": a recorded answer; it excludes choices in that field.
CREATE TABLE abstentions (
    voter_key   TEXT NOT NULL,
    field_id    TEXT NOT NULL,
    PRIMARY KEY (voter_key, field_id)
) WITHOUT ROWID;

-- The action fields in the voter's order of importance (rank_fields); 1 = most important.
CREATE TABLE field_ranks (
    voter_key   TEXT NOT NULL,
    field_id    TEXT NOT NULL,
    position    INTEGER NOT NULL CHECK (position > 0),
    PRIMARY KEY (voter_key, field_id),
    UNIQUE (voter_key, position)
) WITHOUT ROWID;

-- The language a voter last voted in, for "participants per language".
CREATE TABLE voters (
    voter_key   TEXT PRIMARY KEY,
    language    TEXT NOT NULL
) WITHOUT ROWID;

-- Values staff changed at run time (the voting window); the latest wins. Audited separately.
CREATE TABLE runtime_settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  INTEGER
);

-- The rules voters were given (method, N, P, fields and goals), frozen with the first ballot.
CREATE TABLE frozen_rules (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    rules       TEXT NOT NULL,
    frozen_at   TEXT NOT NULL
);
