"""Versioned SQL migrations, applied in order by `adapters.postgres.migrator`.

A file is named `NNNN_what_it_does.sql`. Once applied somewhere, a file never changes: the
migrator keeps its checksum and refuses to run against a database whose applied migrations no
longer match their files. A change to the schema is a new file with the next number.
"""
