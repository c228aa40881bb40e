"""Benchmarks: `python -m bench` runs each and reports ratios against a baseline."""
