"""`make lint` checks the GitHub workflows with actionlint: ours pass, broken copies fail, each
for its own reason."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.lambda_package.test_lambda_package import ROOT

pytestmark = pytest.mark.integration

WORKFLOWS = ROOT / ".github/workflows"


def actionlint(*workflows: Path) -> subprocess.CompletedProcess[str]:
    # The binary comes with the dev lock, beside the interpreter running the tests.
    binary = shutil.which("actionlint", path=str(Path(sys.executable).parent))
    assert binary is not None, "actionlint is not installed: run make install"
    return subprocess.run(  # noqa: S603 - the locked linter on our own files
        [binary, "-no-color", *map(str, workflows)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_workflows_pass() -> None:
    workflows = sorted(WORKFLOWS.glob("*.yml"))
    assert {path.name for path in workflows} >= {"ci.yml", "deploy.yml"}

    done = actionlint(*workflows)

    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("workflow", "good", "bad", "reported"),
    [
        # A job that never starts: the runner label does not exist.
        ("ci.yml", "runs-on: ubuntu-latest", "runs-on: ubuntu-lattest", "ubuntu-lattest"),
        # An action on a runtime GitHub has removed.
        ("ci.yml", "actions/checkout@v5", "actions/checkout@v3", "actions/checkout@v3"),
        # A typo in an expression's context.
        ("deploy.yml", "${{ vars.AWS_REGION }}", "${{ var.AWS_REGION }}", '"var"'),
    ],
)
def test_a_broken_copy_fails(
    tmp_path: Path, workflow: str, good: str, bad: str, reported: str
) -> None:
    text = (WORKFLOWS / workflow).read_text()
    assert text.count(good) == 1
    broken = tmp_path / ".github/workflows" / workflow
    broken.parent.mkdir(parents=True)
    broken.write_text(text.replace(good, bad))

    done = actionlint(broken)

    assert done.returncode != 0
    assert reported in done.stdout
