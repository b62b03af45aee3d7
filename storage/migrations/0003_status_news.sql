-- Subscriptions to the procedure's news, and the news archive shown by /status.

-- One row per private chat that ever subscribed. The language is the participant's (it follows
-- their choice); `active` is 0 after /unsubscribe or when the resident blocked the bot.
CREATE TABLE subscriptions (
    chat_id         INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES participants (user_id) ON DELETE CASCADE,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    reminders       INTEGER NOT NULL DEFAULT 0 CHECK (reminders IN (0, 1)),
    subscribed_at   TEXT NOT NULL,
    unsubscribed_at TEXT,
    blocked_at      TEXT
);
CREATE INDEX subscriptions_active ON subscriptions (active);

-- Published news: the archive behind /status. Texts per language in news_texts.
CREATE TABLE news (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    published_at    TEXT NOT NULL,
    author_id       INTEGER,
    phase_id        TEXT            -- set when the news item also changed the current phase
);

CREATE TABLE news_texts (
    news_id         INTEGER NOT NULL REFERENCES news (id) ON DELETE CASCADE,
    language        TEXT NOT NULL,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,  -- Telegram HTML, as staff wrote it
    PRIMARY KEY (news_id, language)
) WITHOUT ROWID;
