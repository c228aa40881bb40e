"""bestshot's pure core: the football rules, with no I/O and no framework."""
