"""bestshot's benchmarks: `python -m bench [NAME ...]` (or `make bench`)."""
