-- bestshot's first schema: tournaments, teams, rounds, matches, their history and the tables.
--
-- The rules that keep the data sane live here as constraints, not only in Python, so that no
-- writer (a script, a later version, a hand-typed UPDATE) can store a negative score or a
-- shoot-out on a match that did not end in one. Keys follow the domain: a team or a match is
-- known by its provider and the provider's id, folded into `key` ("espn:359"). Tournament ids
-- and round slugs are the domain's URL-safe slugs (`bestshot_domain.text.SLUG_PATTERN`).
--
-- Foreign keys are checked at once: a write that refers to something not stored fails where
-- it is made (the adapter reports NotFound) and writes nothing.

CREATE TABLE tournaments (
    id          text PRIMARY KEY
                CONSTRAINT tournament_id_is_a_slug
                CHECK (id ~ '^[0-9a-z]+([-_.][0-9a-z]+)*$' AND length(id) <= 128),
    label       text NOT NULL,
    provider    text NOT NULL CONSTRAINT tournament_provider_not_empty CHECK (provider <> ''),
    reference   text NOT NULL,
    rules       text NOT NULL CONSTRAINT tournament_rules_not_empty CHECK (rules <> ''),
    timezone    text NOT NULL DEFAULT 'UTC'
                CONSTRAINT tournament_timezone_not_empty CHECK (timezone <> ''),
    zones       text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE teams (
    provider     text NOT NULL
                 CONSTRAINT team_provider_is_a_name CHECK (provider <> '' AND strpos(provider, ':') = 0),
    external_id  text NOT NULL CONSTRAINT team_external_id_not_empty CHECK (external_id <> ''),
    key          text GENERATED ALWAYS AS (provider || ':' || external_id) STORED,
    name         text NOT NULL,
    code         text,
    CONSTRAINT teams_pkey PRIMARY KEY (key),
    CONSTRAINT team_provider_external_id_unique UNIQUE (provider, external_id)
);

-- A team plays in a tournament, in one group or (group NULL) in the one table.
CREATE TABLE memberships (
    tournament_id  text NOT NULL REFERENCES tournaments (id),
    team           text NOT NULL REFERENCES teams (key),
    group_name     text CONSTRAINT membership_group_not_empty CHECK (group_name <> ''),
    PRIMARY KEY (tournament_id, team)
);

CREATE TABLE rounds (
    tournament_id  text NOT NULL REFERENCES tournaments (id),
    slug           text NOT NULL
                   CONSTRAINT round_slug_is_a_slug
                   CHECK (slug ~ '^[0-9a-z]+([-_.][0-9a-z]+)*$' AND length(slug) <= 128),
    label          text NOT NULL,
    ordinal        integer NOT NULL,
    kind           text NOT NULL
                   CONSTRAINT round_kind_known CHECK (kind IN ('league', 'group', 'knockout')),
    reference      text NOT NULL DEFAULT '',
    PRIMARY KEY (tournament_id, slug)
);

CREATE INDEX rounds_by_order ON rounds (tournament_id, ordinal, slug);

CREATE TABLE matches (
    provider        text NOT NULL
                    CONSTRAINT match_provider_is_a_name CHECK (provider <> '' AND strpos(provider, ':') = 0),
    external_id     text NOT NULL CONSTRAINT match_external_id_not_empty CHECK (external_id <> ''),
    key             text GENERATED ALWAYS AS (provider || ':' || external_id) STORED,
    tournament_id   text NOT NULL REFERENCES tournaments (id),
    round_slug      text NOT NULL,
    home            text NOT NULL REFERENCES teams (key),
    away            text NOT NULL REFERENCES teams (key),
    group_name      text CONSTRAINT match_group_not_empty CHECK (group_name <> ''),
    status          text NOT NULL,
    kickoff         timestamptz NOT NULL,
    home_score      integer CONSTRAINT match_home_score_non_negative CHECK (home_score >= 0),
    away_score      integer CONSTRAINT match_away_score_non_negative CHECK (away_score >= 0),
    ended           text,
    shootout_home   integer CONSTRAINT match_shootout_home_non_negative CHECK (shootout_home >= 0),
    shootout_away   integer CONSTRAINT match_shootout_away_non_negative CHECK (shootout_away >= 0),
    last_observed   timestamptz,
    version         integer NOT NULL CONSTRAINT match_version_non_negative CHECK (version >= 0),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT matches_pkey PRIMARY KEY (key),
    CONSTRAINT match_provider_external_id_unique UNIQUE (provider, external_id),
    CONSTRAINT match_round_exists FOREIGN KEY (tournament_id, round_slug)
        REFERENCES rounds (tournament_id, slug),
    CONSTRAINT match_sides_differ CHECK (home <> away),
    CONSTRAINT match_status_known CHECK (
        status IN ('scheduled', 'live', 'finished', 'postponed', 'suspended', 'cancelled', 'awarded')
    ),
    CONSTRAINT match_ending_known CHECK (ended IN ('regular', 'extra_time', 'penalties')),
    CONSTRAINT match_score_whole CHECK ((home_score IS NULL) = (away_score IS NULL)),
    CONSTRAINT match_shootout_whole CHECK ((shootout_home IS NULL) = (shootout_away IS NULL)),
    -- How a match ended is known only once it is over (finished, or decided at the table).
    CONSTRAINT match_ending_only_when_over CHECK (ended IS NULL OR status IN ('finished', 'awarded')),
    -- A shoot-out exists only for a match that ended in one, and only after a level score.
    CONSTRAINT match_shootout_only_with_penalties CHECK (shootout_home IS NULL OR ended = 'penalties'),
    CONSTRAINT match_penalties_only_when_level CHECK (
        ended IS DISTINCT FROM 'penalties' OR home_score IS NULL OR home_score = away_score
    ),
    CONSTRAINT match_unplayed_has_no_score CHECK (
        status NOT IN ('postponed', 'cancelled') OR home_score IS NULL
    )
)
-- Matches are updated in place many times (scheduled, live, finished, corrected): room left
-- in each page lets PostgreSQL keep a new version beside the old one without touching the
-- indexes (a HOT update).
WITH (fillfactor = 70);

CREATE INDEX matches_by_round ON matches (tournament_id, round_slug, kickoff, key);
CREATE INDEX matches_by_tournament ON matches (tournament_id, kickoff, key);
CREATE INDEX matches_by_kickoff ON matches (kickoff, key);

-- The history of every applied change: the match's state before (none for a match first seen)
-- and after, and why. The states are columns, held to the same rules as a match's own.
CREATE TABLE match_changes (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    match_key             text NOT NULL REFERENCES matches (key),
    tournament_id         text NOT NULL,  -- as the match was when the change was made
    round_slug            text NOT NULL,
    kind                  text NOT NULL
                          CONSTRAINT change_kind_known CHECK (kind IN ('created', 'updated', 'correction')),
    reason                text NOT NULL,
    recorded_at           timestamptz NOT NULL,
    before_status         text,
    before_kickoff        timestamptz,
    before_home_score     integer CONSTRAINT change_before_home_non_negative CHECK (before_home_score >= 0),
    before_away_score     integer CONSTRAINT change_before_away_non_negative CHECK (before_away_score >= 0),
    before_ended          text,
    before_shootout_home  integer
                          CONSTRAINT change_before_shootout_home_non_negative CHECK (before_shootout_home >= 0),
    before_shootout_away  integer
                          CONSTRAINT change_before_shootout_away_non_negative CHECK (before_shootout_away >= 0),
    after_status          text NOT NULL,
    after_kickoff         timestamptz NOT NULL,
    after_home_score      integer CONSTRAINT change_after_home_non_negative CHECK (after_home_score >= 0),
    after_away_score      integer CONSTRAINT change_after_away_non_negative CHECK (after_away_score >= 0),
    after_ended           text,
    after_shootout_home   integer
                          CONSTRAINT change_after_shootout_home_non_negative CHECK (after_shootout_home >= 0),
    after_shootout_away   integer
                          CONSTRAINT change_after_shootout_away_non_negative CHECK (after_shootout_away >= 0),
    CONSTRAINT change_statuses_known CHECK (
        before_status IN ('scheduled', 'live', 'finished', 'postponed', 'suspended', 'cancelled', 'awarded')
        AND after_status IN ('scheduled', 'live', 'finished', 'postponed', 'suspended', 'cancelled', 'awarded')
    ),
    CONSTRAINT change_endings_known CHECK (
        before_ended IN ('regular', 'extra_time', 'penalties')
        AND after_ended IN ('regular', 'extra_time', 'penalties')
    ),
    -- A state before is all there or not at all; a match first seen has none.
    CONSTRAINT change_before_whole CHECK ((before_status IS NULL) = (before_kickoff IS NULL)),
    CONSTRAINT change_created_has_no_before CHECK (kind <> 'created' OR before_status IS NULL),
    CONSTRAINT change_scores_whole CHECK (
        (before_home_score IS NULL) = (before_away_score IS NULL)
        AND (after_home_score IS NULL) = (after_away_score IS NULL)
        AND (before_shootout_home IS NULL) = (before_shootout_away IS NULL)
        AND (after_shootout_home IS NULL) = (after_shootout_away IS NULL)
    ),
    CONSTRAINT change_shootout_only_with_penalties CHECK (
        (before_shootout_home IS NULL OR before_ended = 'penalties')
        AND (after_shootout_home IS NULL OR after_ended = 'penalties')
    )
);

CREATE INDEX match_changes_by_match ON match_changes (match_key, recorded_at, id);
CREATE INDEX match_changes_by_tournament ON match_changes (tournament_id, recorded_at, id);

-- Points added to (negative: deducted from) a team's total.
CREATE TABLE point_adjustments (
    tournament_id  text NOT NULL REFERENCES tournaments (id),
    team           text NOT NULL REFERENCES teams (key),
    reason         text NOT NULL,
    points         integer NOT NULL,
    PRIMARY KEY (tournament_id, team, reason)
);

-- The cards one side received in one match, for the fair-play criteria.
CREATE TABLE match_discipline (
    match_key          text NOT NULL REFERENCES matches (key),
    team               text NOT NULL REFERENCES teams (key),
    yellow             integer NOT NULL CONSTRAINT discipline_yellow_non_negative CHECK (yellow >= 0),
    second_yellow_red  integer NOT NULL
                       CONSTRAINT discipline_second_yellow_red_non_negative CHECK (second_yellow_red >= 0),
    red                integer NOT NULL CONSTRAINT discipline_red_non_negative CHECK (red >= 0),
    yellow_and_red     integer NOT NULL
                       CONSTRAINT discipline_yellow_and_red_non_negative CHECK (yellow_and_red >= 0),
    PRIMARY KEY (match_key, team)
);

-- The last computed tables of a tournament: one snapshot, its tables, and their rows.
CREATE TABLE standings_snapshots (
    tournament_id  text PRIMARY KEY
                   REFERENCES tournaments (id),
    rules          text NOT NULL CONSTRAINT standings_rules_not_empty CHECK (rules <> ''),
    computed_at    timestamptz NOT NULL
);

CREATE TABLE standings_tables (
    tournament_id  text NOT NULL REFERENCES standings_snapshots (tournament_id) ON DELETE CASCADE,
    table_index    integer NOT NULL CONSTRAINT standings_table_index_non_negative CHECK (table_index >= 0),
    group_name     text,
    -- Whatever else a table carries beyond its group and rows, exactly as the engine made it.
    detail         jsonb NOT NULL DEFAULT '{}'::jsonb
                   CONSTRAINT standings_table_detail_is_object CHECK (jsonb_typeof(detail) = 'object'),
    PRIMARY KEY (tournament_id, table_index)
);

CREATE UNIQUE INDEX standings_tables_one_per_group
    ON standings_tables (tournament_id, coalesce(group_name, ''));

CREATE TABLE standings_rows (
    tournament_id    text NOT NULL,
    table_index      integer NOT NULL,
    row_index        integer NOT NULL CONSTRAINT standings_row_index_non_negative CHECK (row_index >= 0),
    position         integer NOT NULL CONSTRAINT standings_position_positive CHECK (position >= 1),
    team             text NOT NULL,
    played           integer NOT NULL CONSTRAINT standings_played_non_negative CHECK (played >= 0),
    won              integer NOT NULL CONSTRAINT standings_won_non_negative CHECK (won >= 0),
    drawn            integer NOT NULL CONSTRAINT standings_drawn_non_negative CHECK (drawn >= 0),
    lost             integer NOT NULL CONSTRAINT standings_lost_non_negative CHECK (lost >= 0),
    goals_for        integer NOT NULL CONSTRAINT standings_goals_for_non_negative CHECK (goals_for >= 0),
    goals_against    integer NOT NULL
                     CONSTRAINT standings_goals_against_non_negative CHECK (goals_against >= 0),
    goal_difference  integer NOT NULL,
    points           integer NOT NULL,
    -- The rest of the row (form, the deciding criterion, zones ...), exactly as the engine made it.
    detail           jsonb NOT NULL DEFAULT '{}'::jsonb
                     CONSTRAINT standings_row_detail_is_object CHECK (jsonb_typeof(detail) = 'object'),
    PRIMARY KEY (tournament_id, table_index, row_index),
    CONSTRAINT standings_row_team_once UNIQUE (tournament_id, table_index, team),
    CONSTRAINT standings_row_table_exists FOREIGN KEY (tournament_id, table_index)
        REFERENCES standings_tables (tournament_id, table_index) ON DELETE CASCADE,
    CONSTRAINT standings_played_adds_up CHECK (played = won + drawn + lost),
    CONSTRAINT standings_goal_difference_adds_up CHECK (goal_difference = goals_for - goals_against)
);

-- Raised by the match upsert when a stored version is not the one the writer read: the whole
-- statement fails, so a batch with one stale match writes nothing. SQLSTATE BS409 is ours; the
-- adapter maps it to Conflict.
CREATE FUNCTION bestshot_version_conflict(match_key text, stored integer, given integer)
RETURNS integer
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    RAISE EXCEPTION 'match % was changed by someone else (stored version %, expected %)',
        match_key, stored, given - 1
        USING ERRCODE = 'BS409';
END;
$$;
