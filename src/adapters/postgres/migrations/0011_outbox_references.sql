-- Leaner storage, second part (bench/storage.py measures it; README, "Size and retention").
--
-- 1. A match event (`match.updated`, `match.finished`, `match.corrected`) carried a JSON copy of
-- the change it describes, and most changes have two events: the change record already holds
-- all of it (match, round, reason, time, the states before and after) except the teams. Such an
-- event now names its change (`change_id`) and keeps the teams beside it (a later fixture change
-- may give the match others); its payload and time are rendered from the change when read
-- (adapters.postgres.outbox), equal to the ones stored before. Any other event, and a match event
-- with no change record equal to it, keeps its payload. Changes are never deleted except
-- `observation` ones (the history retention), which no event names.
--
-- The table is made anew, with no column for `created_at` (never read): a dropped column would
-- still count in every row's header. Ids are kept, and the sequence goes on after the last one
-- handed out, so a reader's position (a webhook's cursor) means what it meant.

ALTER TABLE outbox_events RENAME TO outbox_events_0010;
ALTER TABLE outbox_events_0010 RENAME CONSTRAINT outbox_events_pkey TO outbox_events_0010_pkey;
ALTER INDEX outbox_events_by_tournament RENAME TO outbox_events_0010_by_tournament;
ALTER SEQUENCE outbox_events_id_seq RENAME TO outbox_events_0010_id_seq;

CREATE TABLE outbox_events (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at    timestamptz,  -- the change's `recorded_at` when it names one
    change_id      bigint,
    type           text NOT NULL,
    tournament_id  text NOT NULL,
    home           text,
    away           text,
    payload        jsonb,
    CONSTRAINT outbox_event_payload_or_change CHECK (
        (payload IS NULL) = (change_id IS NOT NULL) AND (occurred_at IS NULL) = (payload IS NULL)
    ),
    CONSTRAINT outbox_event_teams_with_change CHECK (
        (home IS NULL) = (change_id IS NULL) AND (away IS NULL) = (change_id IS NULL)
    )
);

-- Whether a stored state (JSON, as adapters.event_json wrote it) is the one in these columns.
CREATE FUNCTION pg_temp.bestshot_same_state(
    state jsonb, status text, kickoff timestamptz, home_score integer, away_score integer,
    ended text, shootout_home integer, shootout_away integer
) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE WHEN state IS NULL OR state = 'null'::jsonb THEN status IS NULL
    ELSE status IS NOT NULL
        AND state->>'status' = status
        AND (state->>'kickoff')::timestamptz = kickoff
        AND state->'score' = CASE WHEN home_score IS NULL THEN 'null'::jsonb
                                  ELSE jsonb_build_object('home', home_score, 'away', away_score) END
        AND state->'ended' = coalesce(to_jsonb(ended), 'null'::jsonb)
        AND state->'shootout' = CASE WHEN shootout_home IS NULL THEN 'null'::jsonb
                                     ELSE jsonb_build_object('home', shootout_home,
                                                             'away', shootout_away) END
    END
$$;

INSERT INTO outbox_events (id, occurred_at, change_id, type, tournament_id, home, away, payload)
OVERRIDING SYSTEM VALUE
SELECT o.id, CASE WHEN c.id IS NULL THEN o.occurred_at END, c.id, o.type, o.tournament_id,
    CASE WHEN c.id IS NOT NULL THEN o.payload->>'home' END,
    CASE WHEN c.id IS NOT NULL THEN o.payload->>'away' END,
    CASE WHEN c.id IS NULL THEN o.payload END
FROM outbox_events_0010 o
LEFT JOIN LATERAL (
    SELECT c.id FROM match_changes c
    WHERE o.type IN ('match.updated', 'match.finished', 'match.corrected')
        AND jsonb_typeof(o.payload->'home') = 'string'
        AND jsonb_typeof(o.payload->'away') = 'string'
        AND c.match_key = o.payload->>'match'
        AND c.kind <> 'observation'
        AND c.tournament_id = o.tournament_id
        AND c.recorded_at = o.occurred_at
        AND c.round_slug = o.payload->>'round'
        AND c.reason = o.payload->>'reason'
        AND pg_temp.bestshot_same_state(o.payload->'before', c.before_status, c.before_kickoff,
            c.before_home_score, c.before_away_score, c.before_ended, c.before_shootout_home,
            c.before_shootout_away)
        AND pg_temp.bestshot_same_state(o.payload->'after', c.after_status, c.after_kickoff,
            c.after_home_score, c.after_away_score, c.after_ended, c.after_shootout_home,
            c.after_shootout_away)
    ORDER BY c.id DESC
    LIMIT 1
) c ON true
ORDER BY o.id;

SELECT setval(pg_get_serial_sequence('outbox_events', 'id'), last_id)
FROM (
    SELECT greatest(
        (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END
         FROM outbox_events_0010_id_seq),
        (SELECT coalesce(max(id), 0) FROM outbox_events)
    ) AS last_id
) handed_out
WHERE last_id > 0;

DROP FUNCTION pg_temp.bestshot_same_state;
DROP TABLE outbox_events_0010;

CREATE INDEX outbox_events_by_tournament ON outbox_events (tournament_id, id);

-- 2. Indexes that repeated another's work.
--
-- `match_provider_external_id_unique` held what `matches_pkey` holds: `key` is the provider and
-- its id joined by ':', and a provider's name has no ':', so either is unique when the other is.
-- The match upsert now names the key (`ON CONFLICT (key)`).
ALTER TABLE matches DROP CONSTRAINT match_provider_external_id_unique;

-- A tournament's matches are read by `tournament_id` (a season, sorted in memory: the order is
-- by key COLLATE "C", which no index of the database's collation gives), a round's by
-- `tournament_id, round_slug`: one index serves both, and without the sort columns its entries
-- share their keys (B-tree deduplication), a quarter of the bytes or less. The same holds for the day's
-- matches by kickoff (many share one), a tournament's history (read by tournament) and a match's
-- (read by match: a handful of changes, or a page of them, sorted in memory).
DROP INDEX matches_by_tournament;
DROP INDEX matches_by_round;
CREATE INDEX matches_by_round ON matches (tournament_id, round_slug);
DROP INDEX matches_by_kickoff;
CREATE INDEX matches_by_kickoff ON matches (kickoff);
DROP INDEX match_changes_by_tournament;
CREATE INDEX match_changes_by_tournament ON match_changes (tournament_id);
DROP INDEX match_changes_by_match_newest;
CREATE INDEX match_changes_by_match ON match_changes (match_key);

-- 3. A tournament's tables are updated in place (adapters.postgres.standings): a row is known by
-- its team, and its new version stays on its page (HOT, in the room the fillfactor leaves) while
-- no indexed column changes. Replacing every row at every update left a dead row per team and
-- update until a VACUUM: thirty times the live rows in bench/storage.py's seasons. The row's
-- place (`row_index`) is no longer a key, as it changes whenever teams swap places.
ALTER TABLE standings_rows
    DROP CONSTRAINT standings_rows_pkey,
    DROP CONSTRAINT standings_row_team_once,
    ADD CONSTRAINT standings_rows_pkey PRIMARY KEY (tournament_id, table_index, team),
    SET (fillfactor = 50);

-- 4. Observations (a provider's word on an overridden match, never applied) older than
-- HISTORY_OBSERVATION_RETENTION_DAYS are pruned (adapters.postgres.retention): found here, in
-- an index that holds them alone.
CREATE INDEX match_changes_observations ON match_changes (recorded_at) WHERE kind = 'observation';
