-- The local scheduler at a thousand tournaments a day: planning reads only the pending schedules
-- firing in the day's window, and fired or failed schedules older than a retention are pruned in
-- batches (SCHEDULE_RETENTION_DAYS), each through an index of its own.
--
-- Columns no code reads go: `expression` (a copy of `fire_at` as text since the domain plans
-- without expressions; the edges compute the one they show), `origin` and `follow_up` (follow-ups
-- are named by the round updates, which tell them apart by name, never by these).

ALTER TABLE local_schedules
    DROP COLUMN expression,
    DROP COLUMN origin,
    DROP COLUMN follow_up;

CREATE INDEX local_schedules_pending_by_time ON local_schedules (fire_at)
    WHERE state IN ('pending', 'running');

CREATE INDEX local_schedules_finished ON local_schedules ((COALESCE(fired_at, updated_at)))
    WHERE state IN ('done', 'failed');
