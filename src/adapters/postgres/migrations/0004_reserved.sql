-- A placeholder: another branch takes number 0004, and the migrator refuses a gap before 0005.
-- It changes nothing. When that branch's 0004 is merged, delete this file (a development
-- database that applied it is then refused by its checksum check: recreate it).
SELECT 1;
