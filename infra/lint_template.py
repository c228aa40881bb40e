"""Lint the SAM template as CloudFormation will see it (`make lint`).

cfn-lint checks a SAM template against SAM's own schema, which lets through what only the
generated resources constrain (an unknown `Runtime`, `MaximumRetryAttempts: 7`, a misspelt IAM
action). So the template is also translated with aws-sam-translator, AWS's own transform, and
the result linted as plain CloudFormation. Exit status: non-zero when either has an error.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from cfnlint.decode import decode
from samtranslator.translator.transform import transform


class _NoManagedPolicies:
    """The template names no AWS managed policy by name, so none needs looking up in IAM."""

    def load(self) -> dict[str, str]:
        return {}


def translated(template: Path) -> dict[str, Any]:
    # The transform writes partition-specific ARNs: any region of the standard partition will do.
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    loaded, problems = decode(str(template))
    if problems or loaded is None:
        raise SystemExit(f"{template}: cannot be read: {problems}")
    fragment = json.loads(json.dumps(loaded))
    # What `sam deploy` does first: the local code becomes an upload (any S3 URI will do here).
    for resource in fragment.get("Resources", {}).values():
        properties = resource.get("Properties") or {}
        if resource.get("Type") == "AWS::Serverless::Function" and "CodeUri" in properties:
            properties["CodeUri"] = "s3://bestshot-lint/caller.zip"
    result: dict[str, Any] = transform(fragment, {}, _NoManagedPolicies())
    return result


def _cfn_lint(path: Path) -> int:
    done = subprocess.run(  # noqa: S603 - cfn-lint of this interpreter, on our own file
        [str(Path(sys.executable).parent / "cfn-lint"), str(path)], check=False
    )
    return done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("template", type=Path)
    args = parser.parse_args(argv)
    status = _cfn_lint(args.template)
    try:
        output = translated(args.template)
    except Exception as error:  # the transform's own refusals name what is wrong
        print(f"{args.template}: the SAM transform failed: {error}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        plain = Path(folder) / f"{args.template.stem}.transformed.json"
        plain.write_text(json.dumps(output, indent=1))
        # cfn-lint exit codes are bit flags: 2 errors, 4 warnings, 8 informational.
        transformed = _cfn_lint(plain)
    if transformed:
        print(f"{args.template}: the transformed template has problems (above)", file=sys.stderr)
    return 1 if (status | transformed) & 0b111 else 0


if __name__ == "__main__":
    sys.exit(main())
