-- The knockout rounds' ties and each team's progress through them, stored with the tables they
-- were computed with (one JSON object: {"knockout": [rounds], "progress": {team: round}}).
-- Snapshots stored before this migration have none: their engine is older, so the next
-- standings update computes them again.
ALTER TABLE standings_snapshots
    ADD COLUMN bracket jsonb NOT NULL DEFAULT '{"knockout": [], "progress": {}}'::jsonb;
