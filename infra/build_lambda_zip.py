"""Build the deployable zip of the Lambda `caller-scores-and-standings` (`make lambda-zip`).

The zip holds the handler, the caller and its standard-library HTTP client, the route shapes,
target check and redaction (`bestshot_routes`), the domain's error classes (and their packages'
`__init__` files), and the packages they import with what those pull in: sentry-sdk (imported
only when SENTRY_DSN is set) and tzdata (the planning schedule's time zone, whose day is
planned; Lambda's image may have no zone files). No HTTP or retry library (issue 17: httpx
tripled the cold import), and not boto3: the handler never uses it (the token comes through the
Parameters and Secrets extension's layer). The packages are pinned to the versions
installed in the development virtualenv, which the tests ran against, and fetched as wheels for
the Lambda's platform (arm64, the Python of the template's `Runtime`).

Lambda's code directory is read-only, so Python cannot cache bytecode there: shipped without
it, every cold start compiles the modules it imports again (+150 ms when httpx was among them).
The zip therefore carries `.pyc` files, compiled by an interpreter of the runtime's version
(found on PATH or in pyenv) in unchecked-hash mode, which makes them independent of file dates
and spares the import a check of each source. Without such an interpreter the zip still works,
with sources only, and the build says so.

Entries are sorted and dated 1980-01-01, so the same inputs give the same zip byte for byte.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("sentry-sdk", "tzdata")
MODULES = (
    "entrypoints/__init__.py",
    "entrypoints/lambda_events.py",
    "entrypoints/lambda_handler.py",
    "entrypoints/lambda_tokens.py",
    "adapters/__init__.py",
    "adapters/caller.py",
    "adapters/secrets_extension.py",
    "adapters/stdlib_http.py",
    "bestshot_domain/__init__.py",
    "bestshot_domain/errors.py",
    "bestshot_routes/__init__.py",
    "bestshot_routes/paths.py",
    "bestshot_routes/redaction.py",
    "bestshot_routes/targets.py",
)
EPOCH = (1980, 1, 1, 0, 0, 0)
SKIPPED_DIRS = {"bin"}
TEMPLATE = ROOT / "infra" / "template.yaml"


def runtime_version(template: Path = TEMPLATE) -> str:
    """The Python version of the function's `Runtime` in the SAM template, e.g. "3.12"."""
    found = re.search(r"^\s*Runtime:\s*python(\d+\.\d+)\s*$", template.read_text(), re.MULTILINE)
    if found is None:
        raise SystemExit(f"{template}: no `Runtime: pythonX.Y` line")
    return found[1]


def find_interpreter(version: str) -> str | None:
    """A working `python{version}`: this one, one on PATH, or one of pyenv's."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(glob.glob(f"{pyenv}/versions/{version}.*/bin/python{version}"))
    for candidate in filter(None, candidates):
        probe = subprocess.run(  # noqa: S603 - asking a Python its version
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return candidate
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output", type=Path, default=ROOT / "dist/caller-scores-and-standings.zip"
    )
    parser.add_argument("--python-version", default=runtime_version())
    parser.add_argument("--platform", default="manylinux2014_aarch64")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as work:
        staging = Path(work) / "lambda"
        _install(staging, args.python_version, args.platform)
        for module in MODULES:
            target = staging / module
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / "src" / module, target)
        compiled = _compile(staging, args.python_version)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        count = _zip(staging, args.output)
    size = args.output.stat().st_size / 1e6
    print(f"{args.output}: {count} files, {size:.1f} MB, for Python {args.python_version}")
    if not compiled:
        print(
            f"note: no Python {args.python_version} here to compile bytecode with; the zip "
            "carries sources only and each cold start will compile them",
            file=sys.stderr,
        )
    return 0


def _compile(staging: Path, version: str) -> bool:
    interpreter = find_interpreter(version)
    if interpreter is None:
        return False
    subprocess.run(  # noqa: S603 - compileall of a Python we found, on our own staging folder
        [
            interpreter,
            "-m",
            "compileall",
            "-q",
            "-j",
            "0",
            "--invalidation-mode",
            "unchecked-hash",
            # Where Lambda unpacks the code, for tracebacks; and no trace of our temporary folder.
            "-s",
            str(staging),
            "-p",
            "/var/task",
            str(staging),
        ],
        check=True,
    )
    return True


def _install(staging: Path, python_version: str, platform: str) -> None:
    pins = [f"{name}=={metadata.version(name)}" for name in PACKAGES]
    # Their dependencies at the versions the tests ran with, too.
    constraints = Path(staging.parent) / "constraints.txt"
    constraints.write_text(
        "".join(
            f"{dist.metadata['Name']}=={dist.version}\n"
            for dist in metadata.distributions()
            if dist.metadata["Name"] and dist.metadata["Name"].lower() != "bestshot"
        )
    )
    subprocess.run(  # noqa: S603 - pip of this interpreter, with arguments of our own
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--target",
            str(staging),
            "--only-binary=:all:",
            "--implementation",
            "cp",
            "--python-version",
            python_version,
            "--platform",
            platform,
            "--no-compile",
            "--constraint",
            str(constraints),
            *pins,
        ],
        check=True,
    )


def _zip(staging: Path, output: Path) -> int:
    files = sorted(
        path
        for path in staging.rglob("*")
        if path.is_file() and not SKIPPED_DIRS.intersection(path.relative_to(staging).parts)
    )
    partial = output.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            entry = zipfile.ZipInfo(path.relative_to(staging).as_posix(), date_time=EPOCH)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, path.read_bytes())
    partial.replace(output)  # never a half-written zip under the real name
    return len(files)


if __name__ == "__main__":
    sys.exit(main())
