-- A match's change history is read by its key (`ORDER BY recorded_at, id`; a match has a
-- handful of changes, sorted in memory) and its newest change by `match_changes_by_match_newest`
-- (0006), which leads with the key too: the first index by key was a second copy of the same
-- lookup, about a tenth of the bytes a stored match with its history takes (bench/storage.py).
DROP INDEX match_changes_by_match;

-- A snapshot's tables are written in one statement (adapters.postgres.standings): the old rows
-- are deleted and the new ones inserted beside them, and a table whose index another group
-- held is updated in place. Their uniqueness is checked at the end of that statement, once
-- the old rows are gone, rather than row by row.
ALTER TABLE standings_rows
    DROP CONSTRAINT standings_rows_pkey,
    ADD CONSTRAINT standings_rows_pkey PRIMARY KEY (tournament_id, table_index, row_index)
        DEFERRABLE INITIALLY IMMEDIATE,
    DROP CONSTRAINT standings_row_team_once,
    ADD CONSTRAINT standings_row_team_once UNIQUE (tournament_id, table_index, team)
        DEFERRABLE INITIALLY IMMEDIATE;

DROP INDEX standings_tables_one_per_group;
ALTER TABLE standings_tables
    ADD CONSTRAINT standings_tables_one_per_group
        EXCLUDE USING btree (tournament_id WITH =, (coalesce(group_name, '')) WITH =)
        DEFERRABLE INITIALLY IMMEDIATE;
