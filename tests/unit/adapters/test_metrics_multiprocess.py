"""Several processes serving one port count into one folder (PROMETHEUS_MULTIPROC_DIR), and a
scrape of any of them adds up every process's counts. The counting processes are real ones:
prometheus-client chooses how it keeps values when it is first imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from adapters.metrics import PrometheusMetrics

COUNT_AND_SCRAPE = """
import sys
from adapters.metrics import FiringOutcome, PrometheusMetrics
metrics = PrometheusMetrics()
for _ in range(int(sys.argv[1])):
    metrics.schedule_fired(FiringOutcome.DONE)
if sys.argv[2:] == ["scrape"]:
    sys.stdout.write(metrics.exposition()[0].decode())
"""


def parse(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def run(folder: Path, *args: str) -> str:
    environ = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", COUNT_AND_SCRAPE, *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


def test_a_scrape_adds_up_the_counts_of_every_process(tmp_path: Path) -> None:
    run(tmp_path, "2")
    run(tmp_path, "4")
    samples = parse(run(tmp_path, "3", "scrape"))
    assert samples[("bestshot_schedule_firings_total", (("outcome", "done"),))] == 9
    assert samples[("bestshot_schedule_firings_total", (("outcome", "failed"),))] == 0
    # The process's own figures cannot be added up across processes: left out.
    assert not any(name.startswith("process_") for name, _ in samples)


def test_this_process_scrapes_what_the_others_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(tmp_path, "5")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    samples = parse(PrometheusMetrics().exposition()[0].decode())
    assert samples[("bestshot_schedule_firings_total", (("outcome", "done"),))] == 5
    assert not any(name.startswith("process_") for name, _ in samples)
