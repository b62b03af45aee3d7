-- The measures round: measures proposed by residents, brought by the procedure file or
-- imported from workshops; their texts per language; staff decisions; and the budget ballots
-- (pseudonymous under the voter key, as the prioritisation's ballots).

CREATE TABLE measures (
    id            INTEGER PRIMARY KEY,
    -- 'file:<id>' for the procedure file's, 'import:<source>:<line>' for imported ones;
    -- NULL for residents' proposals.
    ref           TEXT UNIQUE,
    origin        TEXT NOT NULL CHECK (origin IN ('resident', 'workshop', 'file')),
    field_id      TEXT NOT NULL,
    goal_id       TEXT NOT NULL,
    language      TEXT NOT NULL,              -- the language it was written in
    -- The proposing resident's Telegram user id, to tell them of the decision in their
    -- language; removed by /delete and by the purge after the retention date.
    proposer_id   INTEGER,
    state         TEXT NOT NULL
                  CHECK (state IN ('pending', 'approved', 'rejected', 'withdrawn', 'merged')),
    cost          INTEGER CHECK (cost IS NULL OR cost > 0),
    reason        TEXT,                       -- the rejection's category
    note          TEXT,                       -- staff's note to the proposer (plain text)
    merged_into   INTEGER REFERENCES measures (id),
    created_at    TEXT NOT NULL,
    decided_at    TEXT,
    decided_by    INTEGER
);
CREATE INDEX measures_by_proposer ON measures (proposer_id) WHERE proposer_id IS NOT NULL;
CREATE INDEX measures_by_state ON measures (state, field_id);

CREATE TABLE measure_texts (
    measure_id    INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    language      TEXT NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL,
    PRIMARY KEY (measure_id, language)
) WITHOUT ROWID;

-- One row per measure a voter selected. The budget is checked inside the transaction that
-- adds a row (storage/measures.py), so racing taps can never exceed it. No time is stored,
-- as in the prioritisation's ballot tables: a vote's time matched with the time a participant
-- last wrote to the bot would tell who chose what.
CREATE TABLE budget_ballots (
    voter_key     TEXT NOT NULL,
    measure_id    INTEGER NOT NULL REFERENCES measures (id),
    PRIMARY KEY (voter_key, measure_id)
) WITHOUT ROWID;

-- Votes per measure and the number of budget voters, kept by triggers in the vote's own
-- transaction (as the prioritisation's tally).
CREATE TABLE measure_tally (
    measure_id    INTEGER PRIMARY KEY,
    votes         INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE budget_voter_tally (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    voters        INTEGER NOT NULL
);
INSERT INTO budget_voter_tally (id, voters) VALUES (1, 0);

CREATE TRIGGER budget_counted AFTER INSERT ON budget_ballots BEGIN
    INSERT INTO measure_tally (measure_id, votes) VALUES (NEW.measure_id, 1)
        ON CONFLICT (measure_id) DO UPDATE SET votes = votes + 1;
    UPDATE budget_voter_tally SET voters = voters + 1
        WHERE (SELECT COUNT(*) FROM budget_ballots WHERE voter_key = NEW.voter_key) = 1;
END;

CREATE TRIGGER budget_uncounted AFTER DELETE ON budget_ballots BEGIN
    UPDATE measure_tally SET votes = votes - 1 WHERE measure_id = OLD.measure_id;
    UPDATE budget_voter_tally SET voters = voters - 1
        WHERE NOT EXISTS (SELECT 1 FROM budget_ballots WHERE voter_key = OLD.voter_key);
END;
