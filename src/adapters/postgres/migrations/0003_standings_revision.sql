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
--
-- Writers lock their tournament's row first (`tournaments.lock`), so raising their own
-- tournament's revision waits for nothing new. A renamed team raises the revision of every
-- tournament it plays in, so two imports that rename the same teams of two tournaments at the
-- same moment may deadlock; PostgreSQL then fails one of them (a Conflict: try again).

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

-- The other inputs: once per statement, for the tournaments of the rows it really changed. An
-- UPDATE's rows count only where their new version differs from the old one (EXCEPT ALL over
-- whole rows, so that an upsert that stores what was stored changes nothing, and a row moved
-- from one tournament to another counts for both); every row an INSERT or a DELETE touched
-- counts. Each transition table exists only for the events that have it, so each is named only
-- in its own branch: PL/pgSQL plans a statement when it first runs it, for the table the
-- trigger is on, which also lets one function serve every table with a `tournament_id`.
-- (EXCEPT needs an equality on every column: a `json` column would need `jsonb` instead.)
CREATE FUNCTION bestshot_raise_standings_revisions(tournament_ids text[]) RETURNS void
LANGUAGE sql
AS $$
    UPDATE tournaments SET standings_revision = standings_revision + 1
    WHERE id = ANY (tournament_ids)
$$;

-- Rows that carry their tournament: matches, rounds, memberships, point adjustments.
CREATE FUNCTION bestshot_tournament_rows_changed() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bestshot_raise_standings_revisions(ARRAY(SELECT tournament_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM bestshot_raise_standings_revisions(ARRAY(SELECT tournament_id FROM old_rows));
    ELSE
        PERFORM bestshot_raise_standings_revisions(ARRAY(
            SELECT tournament_id FROM (SELECT * FROM new_rows EXCEPT ALL SELECT * FROM old_rows) n
            UNION
            SELECT tournament_id FROM (SELECT * FROM old_rows EXCEPT ALL SELECT * FROM new_rows) o
        ));
    END IF;
    RETURN NULL;
END;
$$;

-- The cards of a match: the match's tournament.
CREATE FUNCTION bestshot_discipline_rows_changed() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    changed text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        changed := ARRAY(SELECT match_key FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        changed := ARRAY(SELECT match_key FROM old_rows);
    ELSE
        changed := ARRAY(
            SELECT match_key FROM (SELECT * FROM new_rows EXCEPT ALL SELECT * FROM old_rows) n
            UNION
            SELECT match_key FROM (SELECT * FROM old_rows EXCEPT ALL SELECT * FROM new_rows) o
        );
    END IF;
    IF cardinality(changed) > 0 THEN
        PERFORM bestshot_raise_standings_revisions(ARRAY(
            SELECT DISTINCT tournament_id FROM matches WHERE key = ANY (changed)
        ));
    END IF;
    RETURN NULL;
END;
$$;

-- A team (its name is in the tables): every tournament it is a member of.
CREATE FUNCTION bestshot_team_rows_changed() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    changed text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        changed := ARRAY(SELECT key FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        changed := ARRAY(SELECT key FROM old_rows);
    ELSE
        changed := ARRAY(
            SELECT key FROM (SELECT * FROM new_rows EXCEPT ALL SELECT * FROM old_rows) n
            UNION
            SELECT key FROM (SELECT * FROM old_rows EXCEPT ALL SELECT * FROM new_rows) o
        );
    END IF;
    IF cardinality(changed) > 0 THEN
        PERFORM bestshot_raise_standings_revisions(ARRAY(
            SELECT DISTINCT tournament_id FROM memberships WHERE team = ANY (changed)
        ));
    END IF;
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

-- Four triggers a table: after each INSERT, UPDATE, DELETE and TRUNCATE statement.
DO $$
DECLARE
    watched CONSTANT text[][] := ARRAY[
        ['matches', 'bestshot_tournament_rows_changed'],
        ['rounds', 'bestshot_tournament_rows_changed'],
        ['memberships', 'bestshot_tournament_rows_changed'],
        ['point_adjustments', 'bestshot_tournament_rows_changed'],
        ['match_discipline', 'bestshot_discipline_rows_changed'],
        ['teams', 'bestshot_team_rows_changed']
    ];
    entry text[];
BEGIN
    FOREACH entry SLICE 1 IN ARRAY watched LOOP
        EXECUTE format(
            'CREATE TRIGGER %1$s_inserted_raise_standings_revision AFTER INSERT ON %1$I '
            'REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION %2$I()',
            entry[1], entry[2]);
        EXECUTE format(
            'CREATE TRIGGER %1$s_updated_raise_standings_revision AFTER UPDATE ON %1$I '
            'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT '
            'EXECUTE FUNCTION %2$I()',
            entry[1], entry[2]);
        EXECUTE format(
            'CREATE TRIGGER %1$s_deleted_raise_standings_revision AFTER DELETE ON %1$I '
            'REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION %2$I()',
            entry[1], entry[2]);
        EXECUTE format(
            'CREATE TRIGGER %1$s_truncated_raise_standings_revision AFTER TRUNCATE ON %1$I '
            'FOR EACH STATEMENT EXECUTE FUNCTION bestshot_standings_inputs_truncated()',
            entry[1]);
    END LOOP;
END;
$$;
