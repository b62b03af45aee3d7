-- Results. The tally is kept as counters, written by triggers in the same transaction as the
-- ballot change that moves them: /results reads a few hundred rows instead of grouping
-- millions, a committed vote is counted at once, and a rolled-back one never was. The
-- counters hold no voter key, only sums.

-- Per sub-goal: voters who chose it and the points (weights) they gave it.
CREATE TABLE goal_tally (
    field_id    TEXT NOT NULL,
    goal_id     TEXT NOT NULL,
    voters      INTEGER NOT NULL DEFAULT 0,
    points      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (field_id, goal_id)
) WITHOUT ROWID;

-- Per action field: voters who answered it (chose something or said "no preference"), those
-- who said "no preference", and the sum and count of the positions given to it (rank_fields).
CREATE TABLE field_tally (
    field_id    TEXT PRIMARY KEY,
    answered    INTEGER NOT NULL DEFAULT 0,
    abstained   INTEGER NOT NULL DEFAULT 0,
    rank_sum    INTEGER NOT NULL DEFAULT 0,
    rank_count  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Per language: voters who last voted in it.
CREATE TABLE language_tally (
    language    TEXT PRIMARY KEY,
    voters      INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- A voter answered a field when they have a ballot row or an abstention there. Each trigger
-- runs after its row changed, so "the only row" and "no row left" are checked on the new state.
CREATE TRIGGER ballots_counted AFTER INSERT ON ballots BEGIN
    INSERT INTO goal_tally (field_id, goal_id, voters, points)
        VALUES (NEW.field_id, NEW.goal_id, 1, NEW.weight)
        ON CONFLICT (field_id, goal_id)
        DO UPDATE SET voters = voters + 1, points = points + excluded.points;
    INSERT INTO field_tally (field_id, answered)
        SELECT NEW.field_id, 1
        WHERE (SELECT COUNT(*) FROM ballots
               WHERE voter_key = NEW.voter_key AND field_id = NEW.field_id) = 1
          AND NOT EXISTS (SELECT 1 FROM abstentions
                          WHERE voter_key = NEW.voter_key AND field_id = NEW.field_id)
        ON CONFLICT (field_id) DO UPDATE SET answered = answered + 1;
END;

CREATE TRIGGER ballots_reweighted AFTER UPDATE OF weight ON ballots BEGIN
    UPDATE goal_tally SET points = points - OLD.weight + NEW.weight
        WHERE field_id = NEW.field_id AND goal_id = NEW.goal_id;
END;

CREATE TRIGGER ballots_uncounted AFTER DELETE ON ballots BEGIN
    UPDATE goal_tally SET voters = voters - 1, points = points - OLD.weight
        WHERE field_id = OLD.field_id AND goal_id = OLD.goal_id;
    UPDATE field_tally SET answered = answered - 1
        WHERE field_id = OLD.field_id
          AND NOT EXISTS (SELECT 1 FROM ballots
                          WHERE voter_key = OLD.voter_key AND field_id = OLD.field_id)
          AND NOT EXISTS (SELECT 1 FROM abstentions
                          WHERE voter_key = OLD.voter_key AND field_id = OLD.field_id);
END;

CREATE TRIGGER abstentions_counted AFTER INSERT ON abstentions BEGIN
    INSERT INTO field_tally (field_id, answered, abstained)
        SELECT NEW.field_id,
               NOT EXISTS (SELECT 1 FROM ballots
                           WHERE voter_key = NEW.voter_key AND field_id = NEW.field_id),
               1
        WHERE true
        ON CONFLICT (field_id) DO UPDATE
        SET answered = answered + excluded.answered, abstained = abstained + 1;
END;

CREATE TRIGGER abstentions_uncounted AFTER DELETE ON abstentions BEGIN
    UPDATE field_tally
        SET abstained = abstained - 1,
            answered = answered - NOT EXISTS (SELECT 1 FROM ballots
                                              WHERE voter_key = OLD.voter_key
                                                AND field_id = OLD.field_id)
        WHERE field_id = OLD.field_id;
END;

CREATE TRIGGER field_ranks_counted AFTER INSERT ON field_ranks BEGIN
    INSERT INTO field_tally (field_id, rank_sum, rank_count) VALUES (NEW.field_id, NEW.position, 1)
        ON CONFLICT (field_id)
        DO UPDATE SET rank_sum = rank_sum + excluded.rank_sum, rank_count = rank_count + 1;
END;

CREATE TRIGGER field_ranks_uncounted AFTER DELETE ON field_ranks BEGIN
    UPDATE field_tally SET rank_sum = rank_sum - OLD.position, rank_count = rank_count - 1
        WHERE field_id = OLD.field_id;
END;

CREATE TRIGGER voters_counted AFTER INSERT ON voters BEGIN
    INSERT INTO language_tally (language, voters) VALUES (NEW.language, 1)
        ON CONFLICT (language) DO UPDATE SET voters = voters + 1;
END;

CREATE TRIGGER voters_relanguaged AFTER UPDATE OF language ON voters
WHEN OLD.language != NEW.language BEGIN
    UPDATE language_tally SET voters = voters - 1 WHERE language = OLD.language;
    INSERT INTO language_tally (language, voters) VALUES (NEW.language, 1)
        ON CONFLICT (language) DO UPDATE SET voters = voters + 1;
END;

CREATE TRIGGER voters_uncounted AFTER DELETE ON voters BEGIN
    UPDATE language_tally SET voters = voters - 1 WHERE language = OLD.language;
END;

-- A database from before this version: count what is already there, once.
INSERT INTO goal_tally (field_id, goal_id, voters, points)
    SELECT field_id, goal_id, COUNT(*), SUM(weight) FROM ballots GROUP BY field_id, goal_id;
INSERT INTO field_tally (field_id, answered)
    SELECT field_id, COUNT(*) FROM (
        SELECT voter_key, field_id FROM ballots UNION SELECT voter_key, field_id FROM abstentions
    ) GROUP BY field_id;
INSERT INTO field_tally (field_id, abstained)
    SELECT field_id, COUNT(*) FROM abstentions WHERE true GROUP BY field_id
    ON CONFLICT (field_id) DO UPDATE SET abstained = excluded.abstained;
INSERT INTO field_tally (field_id, rank_sum, rank_count)
    SELECT field_id, SUM(position), COUNT(*) FROM field_ranks WHERE true GROUP BY field_id
    ON CONFLICT (field_id)
    DO UPDATE SET rank_sum = excluded.rank_sum, rank_count = excluded.rank_count;
INSERT INTO language_tally (language, voters)
    SELECT language, COUNT(*) FROM voters GROUP BY language;

-- Workshop results: the dot votes (points) each town-hall workshop gave the sub-goals. A
-- source is one workshop or one set of workshops ("Rathaus 2019"); importing it again
-- replaces it whole.
CREATE TABLE workshop_results (
    source      TEXT NOT NULL,
    field_id    TEXT NOT NULL,
    goal_id     TEXT NOT NULL,
    points      INTEGER NOT NULL CHECK (points >= 0),
    PRIMARY KEY (source, field_id, goal_id)
) WITHOUT ROWID;

CREATE TABLE workshop_sources (
    source      TEXT PRIMARY KEY,
    imported_at TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    rows        INTEGER NOT NULL
);

-- A picture that goes with a broadcast (the results chart), one per language: uploaded with
-- the first delivery in that language, then sent again by the file id Telegram gave it.
CREATE TABLE broadcast_images (
    broadcast_id    INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    language        TEXT NOT NULL,
    png             BLOB NOT NULL,
    file_id         TEXT,
    PRIMARY KEY (broadcast_id, language)
);
