-- Nothing stored next to a ballot singles a voter out. Until now `voters` kept each voter's
-- language beside their key: in a language only one person used, the file alone told whose
-- ballot was whose. The key stays (it marks a known voter); the language goes.
DROP TRIGGER voters_counted;
DROP TRIGGER voters_relanguaged;
DROP TRIGGER voters_uncounted;
ALTER TABLE voters DROP COLUMN language;

-- Participation per language now counts residents who voted, by the language they use the
-- bot in: `voted` is a mark on the participant (that they voted, never what), set with their
-- first vote and cleared when their ballot is withdrawn; deleting the participant drops it.
ALTER TABLE participants ADD COLUMN voted INTEGER NOT NULL DEFAULT 0 CHECK (voted IN (0, 1));
DELETE FROM language_tally;

CREATE TRIGGER participants_counted AFTER INSERT ON participants
WHEN NEW.voted = 1 AND NEW.language IS NOT NULL BEGIN
    INSERT INTO language_tally (language, voters) VALUES (NEW.language, 1)
        ON CONFLICT (language) DO UPDATE SET voters = voters + 1;
END;

CREATE TRIGGER participants_recounted AFTER UPDATE OF voted, language ON participants
WHEN OLD.voted IS NOT NEW.voted OR OLD.language IS NOT NEW.language BEGIN
    UPDATE language_tally SET voters = voters - 1
        WHERE OLD.voted = 1 AND language = OLD.language;
    INSERT INTO language_tally (language, voters)
        SELECT NEW.language, 1 WHERE NEW.voted = 1 AND NEW.language IS NOT NULL
        ON CONFLICT (language) DO UPDATE SET voters = voters + 1;
END;

CREATE TRIGGER participants_uncounted AFTER DELETE ON participants
WHEN OLD.voted = 1 BEGIN
    UPDATE language_tally SET voters = voters - 1 WHERE language = OLD.language;
END;

-- Who voted before this version is not known without the secret: the bot marks them at its
-- next start (bot/privacy/retention.py), once, and the triggers count them then.
INSERT INTO runtime_settings (key, value, updated_at)
    SELECT 'privacy.mark_voters', 'pending', strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
    WHERE EXISTS (SELECT 1 FROM voters);
