-- Unknown outcomes. A send that timed out or got a 5xx after the request left may have been
-- delivered or not; Telegram gives no way to tell. Such a delivery is 'uncertain': final, never
-- sent again on its own (that is what made messages arrive twice). Staff may send a finished
-- broadcast again to exactly its uncertain recipients: a new broadcast with `resend_of`, at
-- most one per broadcast.

ALTER TABLE broadcasts ADD COLUMN resend_of INTEGER REFERENCES broadcasts (id);
CREATE UNIQUE INDEX broadcasts_resend_of ON broadcasts (resend_of) WHERE resend_of IS NOT NULL;

-- SQLite cannot change a CHECK constraint: the table is made again with 'uncertain' allowed
-- (nothing refers to it, so dropping the old one takes nothing else with it).
CREATE TABLE deliveries_new (
    broadcast_id    INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    chat_id         INTEGER NOT NULL,
    language        TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN
                        ('pending', 'sending', 'sent', 'failed', 'blocked', 'cancelled',
                         'uncertain')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (broadcast_id, chat_id)
) WITHOUT ROWID;
INSERT INTO deliveries_new (broadcast_id, chat_id, language, state, attempts, last_error,
                            updated_at)
    SELECT broadcast_id, chat_id, language, state, attempts, last_error, updated_at
    FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX deliveries_pending ON deliveries (state, broadcast_id);
