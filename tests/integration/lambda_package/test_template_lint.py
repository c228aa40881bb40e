"""`make lint` checks the template as CloudFormation sees it after the SAM transform: broken
copies of it fail, each for its own reason."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.lambda_package.test_lambda_package import ROOT, TEMPLATE

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def lint(template: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own lint script
        [sys.executable, str(ROOT / "infra/lint_template.py"), str(template)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_template_passes() -> None:
    done = lint(TEMPLATE)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("good", "bad", "reported"),
    [
        ("Runtime: python3.12", "Runtime: python9.99", "E3030 'python9.99'"),
        ("MaximumRetryAttempts: 2", "MaximumRetryAttempts: 7", "E3034 7 is greater"),
        ("Action: lambda:InvokeFunction\n", "Action: lambda:InvokeFunctionn\n", "invokefunctionn"),
    ],
)
def test_a_broken_copy_fails(tmp_path: Path, good: str, bad: str, reported: str) -> None:
    text = TEMPLATE.read_text()
    assert text.count(good) == 1
    broken = tmp_path / "template.yaml"
    broken.write_text(text.replace(good, bad))

    done = lint(broken)

    assert done.returncode != 0
    assert reported in done.stdout
