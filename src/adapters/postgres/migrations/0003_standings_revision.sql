-- Each tournament's standings revision, and the revision and engine each snapshot was made from.
--
-- `tournaments.standings_revision` counts the writes to what the tournament's tables are
-- computed from. Triggers raise it, so that no writer (a later version, a script, a hand-typed
-- UPDATE) can forget to: a standings update that finds the stored snapshot made at the current
-- revision, with the current rules and by the same engine, answers with it instead of
-- computing the tables again.
--
-- The raise is an UPDATE of the tournament's row in the writer's own transaction: a rollback
-- takes it back, and two concurrent writers take turns on the row (the second adds to what the
-- first committed), so no raise is lost. A standings update holds the same row's lock while it
-- compares revisions, so a write cannot land between its check and its answer.

ALTER TABLE tournaments
    ADD COLUMN standings_revision bigint NOT NULL DEFAULT 0
        CONSTRAINT tournament_standings_revision_non_negative CHECK (standings_revision >= 0);

-- Snapshots stored before this migration have no known engine (''): computed again at their
-- next update.
ALTER TABLE standings_snapshots
    ADD COLUMN revision bigint NOT NULL DEFAULT 0
        CONSTRAINT standings_revision_non_negative CHECK (revision >= 0),
    ADD COLUMN engine text NOT NULL DEFAULT '';

-- The rules and zones of a tournament are inputs of its tables (its label or time zone are not).
CREATE FUNCTION bestshot_tournament_rules_changed() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.standings_revision := OLD.standings_revision + 1;
    RETURN NEW;
END;
$$;

CREATE TRIGGER tournament_rules_raise_standings_revision
    BEFORE UPDATE OF rules, zones ON tournaments
    FOR EACH ROW
    WHEN ((OLD.rules, OLD.zones) IS DISTINCT FROM (NEW.rules, NEW.zones))
    EXECUTE FUNCTION bestshot_tournament_rules_changed();

-- The other inputs: once per statement, for the tournaments of the rows it really changed
-- (an upsert that stores what was stored changes nothing). TG_ARGV[0] says how a row of the
-- table leads to its tournaments: by its own `tournament_id`, through the match it is of
-- (`match_key`), or through the memberships of the team it is (`team`). A row that moves from
-- one tournament to another counts for both, its old version and its new one being compared.
CREATE FUNCTION bestshot_standings_inputs_changed() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    changed jsonb[];
BEGIN
    -- Each transition table exists only for the events that have it, so each is named only in
    -- its own branch (PL/pgSQL plans a statement when it first runs it).
    IF TG_OP = 'INSERT' THEN
        changed := ARRAY(SELECT to_jsonb(n) FROM new_rows n);
    ELSIF TG_OP = 'DELETE' THEN
        changed := ARRAY(SELECT to_jsonb(o) FROM old_rows o);
    ELSE
        changed := ARRAY(
            (SELECT to_jsonb(n) FROM new_rows n EXCEPT ALL SELECT to_jsonb(o) FROM old_rows o)
            UNION ALL
            (SELECT to_jsonb(o) FROM old_rows o EXCEPT ALL SELECT to_jsonb(n) FROM new_rows n)
        );
    END IF;
    IF cardinality(changed) = 0 THEN
        RETURN NULL;
    END IF;
    UPDATE tournaments SET standings_revision = standings_revision + 1
    WHERE id IN (
        SELECT r ->> 'tournament_id' FROM unnest(changed) AS r
        WHERE TG_ARGV[0] = 'tournament_id'
        UNION
        SELECT m.tournament_id FROM unnest(changed) AS r JOIN matches m ON m.key = r ->> 'match_key'
        WHERE TG_ARGV[0] = 'match_key'
        UNION
        SELECT ms.tournament_id FROM unnest(changed) AS r JOIN memberships ms ON ms.team = r ->> 'key'
        WHERE TG_ARGV[0] = 'team'
    );
    RETURN NULL;
END;
$$;

-- A TRUNCATE says nothing of which tournaments it touched: every one's revision goes up.
CREATE FUNCTION bestshot_standings_inputs_truncated() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE tournaments SET standings_revision = standings_revision + 1;
    RETURN NULL;
END;
$$;

DO $$
DECLARE
    watched CONSTANT text[][] := ARRAY[
        ['matches', 'tournament_id'],
        ['rounds', 'tournament_id'],
        ['memberships', 'tournament_id'],
        ['point_adjustments', 'tournament_id'],
        ['match_discipline', 'match_key'],
        ['teams', 'team']
    ];
    entry text[];
BEGIN
    FOREACH entry SLICE 1 IN ARRAY watched LOOP
        EXECUTE format(
            'CREATE TRIGGER %1$s_inserted_raise_standings_revision AFTER INSERT ON %1$I '
            'REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT '
            'EXECUTE FUNCTION bestshot_standings_inputs_changed(%2$L)',
            entry[1], entry[2]);
        EXECUTE format(
            'CREATE TRIGGER %1$s_updated_raise_standings_revision AFTER UPDATE ON %1$I '
            'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT '
            'EXECUTE FUNCTION bestshot_standings_inputs_changed(%2$L)',
            entry[1], entry[2]);
        EXECUTE format(
            'CREATE TRIGGER %1$s_deleted_raise_standings_revision AFTER DELETE ON %1$I '
            'REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT '
            'EXECUTE FUNCTION bestshot_standings_inputs_changed(%2$L)',
            entry[1], entry[2]);
        EXECUTE format(
            'CREATE TRIGGER %1$s_truncated_raise_standings_revision AFTER TRUNCATE ON %1$I '
            'FOR EACH STATEMENT EXECUTE FUNCTION bestshot_standings_inputs_truncated()',
            entry[1]);
    END LOOP;
END;
$$;
