-- Admins' overrides (bestshot_domain.overrides): a match's state set by hand, which provider
-- answers never change while it stands. What the provider last said is kept beside it
-- (`says_*`), so the difference can be shown. The history learns who said so (`source`: an
-- admin's subject, or a provider's name; '' for the tournament's own provider, as every change
-- recorded before this migration was) and three kinds: an override, a provider's word that was
-- not applied because of one (an observation), and a release.

ALTER TABLE match_changes DROP CONSTRAINT change_kind_known;
ALTER TABLE match_changes ADD CONSTRAINT change_kind_known CHECK (
    kind IN ('created', 'updated', 'correction', 'override', 'observation', 'release')
);
ALTER TABLE match_changes ADD COLUMN source text NOT NULL DEFAULT '';

-- A match's history is read newest first, a page at a time, by id.
CREATE INDEX match_changes_by_match_newest ON match_changes (match_key, id DESC);

CREATE TABLE match_overrides (
    match_key       text PRIMARY KEY REFERENCES matches (key),
    status          text NOT NULL,
    kickoff         timestamptz NOT NULL,
    home_score      integer CONSTRAINT override_home_score_non_negative CHECK (home_score >= 0),
    away_score      integer CONSTRAINT override_away_score_non_negative CHECK (away_score >= 0),
    ended           text,
    shootout_home   integer
                    CONSTRAINT override_shootout_home_non_negative CHECK (shootout_home >= 0),
    shootout_away   integer
                    CONSTRAINT override_shootout_away_non_negative CHECK (shootout_away >= 0),
    reason          text NOT NULL CONSTRAINT override_reason_not_empty CHECK (reason <> ''),
    set_by          text NOT NULL CONSTRAINT override_set_by_not_empty CHECK (set_by <> ''),
    set_at          timestamptz NOT NULL,
    -- What the provider last said of the match while the override stood (none yet: NULL).
    says_status         text,
    says_kickoff        timestamptz,
    says_home_score     integer CONSTRAINT override_says_home_non_negative CHECK (says_home_score >= 0),
    says_away_score     integer CONSTRAINT override_says_away_non_negative CHECK (says_away_score >= 0),
    says_ended          text,
    says_shootout_home  integer
                        CONSTRAINT override_says_shootout_home_non_negative CHECK (says_shootout_home >= 0),
    says_shootout_away  integer
                        CONSTRAINT override_says_shootout_away_non_negative CHECK (says_shootout_away >= 0),
    said_at             timestamptz,
    CONSTRAINT override_statuses_known CHECK (
        status IN ('scheduled', 'live', 'finished', 'postponed', 'suspended', 'cancelled', 'awarded')
        AND says_status IN ('scheduled', 'live', 'finished', 'postponed', 'suspended', 'cancelled', 'awarded')
    ),
    CONSTRAINT override_endings_known CHECK (
        ended IN ('regular', 'extra_time', 'penalties')
        AND says_ended IN ('regular', 'extra_time', 'penalties')
    ),
    CONSTRAINT override_scores_whole CHECK (
        (home_score IS NULL) = (away_score IS NULL)
        AND (shootout_home IS NULL) = (shootout_away IS NULL)
        AND (says_home_score IS NULL) = (says_away_score IS NULL)
        AND (says_shootout_home IS NULL) = (says_shootout_away IS NULL)
    ),
    CONSTRAINT override_shootout_only_with_penalties CHECK (
        (shootout_home IS NULL OR ended = 'penalties')
        AND (says_shootout_home IS NULL OR says_ended = 'penalties')
    ),
    CONSTRAINT override_says_whole CHECK (
        (says_status IS NULL) = (says_kickoff IS NULL) AND (says_status IS NULL) = (said_at IS NULL)
    )
);
