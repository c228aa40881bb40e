"""Result files on disk: openfootball JSON and football-data.co.uk CSV.

Each format has a parser of one file's content into plain values (reused by the openfootball
ResultSource) and a step from those values to the standings engine's inputs.
`read_results_file` detects the format from the content.
"""
