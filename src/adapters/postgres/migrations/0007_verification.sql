-- Verified finals (bestshot_domain.verification): a tournament's fallback provider and verify
-- mode, its alias table (names one provider writes -> the name they mean), the finals waiting
-- for the settle window, and disputes with the answers that opened them.
--
-- Written as 0006 on the branch that adds it; renumbered where another 0006 got there first.

ALTER TABLE tournaments
    ADD COLUMN fallback_provider text,
    ADD COLUMN fallback_reference text,
    ADD COLUMN verify text NOT NULL DEFAULT 'none'
        CONSTRAINT tournament_verify_known CHECK (verify IN ('none', 'settle', 'agree')),
    ADD CONSTRAINT tournament_fallback_whole
        CHECK ((fallback_provider IS NULL) = (fallback_reference IS NULL)),
    ADD CONSTRAINT tournament_fallback_is_another CHECK (fallback_provider <> provider),
    ADD CONSTRAINT tournament_agree_needs_fallback
        CHECK (verify <> 'agree' OR fallback_provider IS NOT NULL);

CREATE TABLE team_aliases (
    tournament_id  text NOT NULL REFERENCES tournaments (id),
    alias          text NOT NULL CONSTRAINT team_alias_not_empty CHECK (alias <> ''),
    name           text NOT NULL CONSTRAINT team_alias_name_not_empty CHECK (name <> ''),
    PRIMARY KEY (tournament_id, alias)
);

CREATE TABLE pending_finals (
    match_key      text PRIMARY KEY REFERENCES matches (key),
    tournament_id  text NOT NULL REFERENCES tournaments (id),
    provider       text NOT NULL,
    status         text NOT NULL CONSTRAINT pending_final_status_known CHECK (
        status IN ('scheduled', 'live', 'finished', 'postponed', 'suspended', 'cancelled', 'awarded')
    ),
    home_score     integer,
    away_score     integer,
    shootout_home  integer,
    shootout_away  integer,
    first_seen     timestamptz NOT NULL,
    CONSTRAINT pending_final_score_whole CHECK ((home_score IS NULL) = (away_score IS NULL)),
    CONSTRAINT pending_final_shootout_whole CHECK ((shootout_home IS NULL) = (shootout_away IS NULL))
);

CREATE INDEX pending_finals_by_tournament ON pending_finals (tournament_id);

CREATE TABLE disputes (
    id             text PRIMARY KEY,
    tournament_id  text NOT NULL REFERENCES tournaments (id),
    round_slug     text NOT NULL,
    match_key      text NOT NULL REFERENCES matches (key),
    kind           text NOT NULL
                   CONSTRAINT dispute_kind_known CHECK (kind IN ('disagreement', 'changed_final')),
    answers        jsonb NOT NULL
                   CONSTRAINT dispute_answers_are_a_list CHECK (jsonb_typeof(answers) = 'array'),
    opened_at      timestamptz NOT NULL,
    closed_at      timestamptz,
    closed_by      text CONSTRAINT dispute_closer_known CHECK (closed_by IN ('converged', 'admin')),
    reason         text,
    CONSTRAINT dispute_closed_whole CHECK ((closed_at IS NULL) = (closed_by IS NULL))
);

-- One open dispute per match: a redelivered update cannot open a second.
CREATE UNIQUE INDEX disputes_one_open_per_match ON disputes (match_key) WHERE closed_at IS NULL;
CREATE INDEX disputes_by_tournament ON disputes (tournament_id, opened_at, id);
