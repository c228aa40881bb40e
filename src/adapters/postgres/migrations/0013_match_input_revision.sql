-- Each match carries the standings revision (0003) at which it last changed, so that a process
-- that has read a tournament's matches at revision R reads again only the ones stamped after R
-- (`season_cache`: a standings update then reads ten changed matches, not a season's 380).
--
-- A trigger stamps every inserted row, and every updated row that differs from its old version,
-- with its tournament's revision plus one: the revision the statement's own raise (0003's
-- statement triggers) brings the tournament to. The stamp is taken under the tournament row's
-- lock (the lock the raise takes anyway, only taken first), held until the writer's transaction
-- ends: no other writer raises the revision in between, so a reader whose snapshot is at
-- revision R has seen every match stamped R or less, and every match it has not seen is stamped
-- above R.
--
-- A deleted match leaves no stamp: a reader finds it gone by counting the matches it keeps
-- against the tournament's. A match's cards are not in its row: tables that count cards are
-- read whole (`Era.counts_cards`).

ALTER TABLE matches ADD COLUMN input_revision bigint NOT NULL DEFAULT 0;

CREATE FUNCTION bestshot_match_input_revision() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    unchanged matches;
    revision bigint;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- An update that stores what was stored changes nothing (as 0003's raise sees it). The
        -- generated key is not computed yet in a BEFORE trigger, and the stamp is this one's.
        unchanged := OLD;
        unchanged.key := NEW.key;
        unchanged.input_revision := NEW.input_revision;
        IF unchanged IS NOT DISTINCT FROM NEW THEN
            RETURN NEW;
        END IF;
    END IF;
    SELECT t.standings_revision + 1 INTO revision
    FROM tournaments t WHERE t.id = NEW.tournament_id
    FOR NO KEY UPDATE;
    -- No such tournament: the foreign key refuses the row, with its own message.
    IF FOUND THEN
        NEW.input_revision := revision;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER matches_stamp_input_revision
    BEFORE INSERT OR UPDATE ON matches
    FOR EACH ROW EXECUTE FUNCTION bestshot_match_input_revision();
