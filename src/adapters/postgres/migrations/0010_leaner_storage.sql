-- A match's change history is read by its key (`ORDER BY recorded_at, id`; a match has a
-- handful of changes, sorted in memory) and its newest change by `match_changes_by_match_newest`
-- (0006), which leads with the key too: the first index by key was a second copy of the same
-- lookup, about a tenth of the bytes a stored match with its history takes (bench/storage.py).
DROP INDEX match_changes_by_match;
