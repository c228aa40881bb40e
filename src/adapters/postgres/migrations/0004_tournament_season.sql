-- The season a tournament plays (`1995-96`, or `2023` for a calendar-year competition), which
-- chooses the era of its competition's rules: NULL for tournaments imported before, whose tables
-- keep the current era until an import records their season.
ALTER TABLE tournaments
    ADD COLUMN season text
        CONSTRAINT tournament_season_shape CHECK (season ~ '^[0-9]{4}(-[0-9]{2})?$');

-- The season is an input of the tables, as the rules and zones are (0003).
DROP TRIGGER tournament_rules_raise_standings_revision ON tournaments;

CREATE TRIGGER tournament_rules_raise_standings_revision
    BEFORE UPDATE OF rules, zones, season ON tournaments
    FOR EACH ROW
    WHEN ((OLD.rules, OLD.zones, OLD.season) IS DISTINCT FROM (NEW.rules, NEW.zones, NEW.season))
    EXECUTE FUNCTION bestshot_tournament_rules_changed();
