-- All voters (residents with a ballot) counted like the rest of the tally, by triggers in the
-- change's own transaction: /results reads one row instead of counting the voters table.
CREATE TABLE voter_tally (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    voters  INTEGER NOT NULL
);
INSERT INTO voter_tally (id, voters) SELECT 1, COUNT(*) FROM voters;

CREATE TRIGGER voters_counted AFTER INSERT ON voters BEGIN
    UPDATE voter_tally SET voters = voters + 1 WHERE id = 1;
END;

CREATE TRIGGER voters_uncounted AFTER DELETE ON voters BEGIN
    UPDATE voter_tally SET voters = voters - 1 WHERE id = 1;
END;
