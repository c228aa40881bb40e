"""Cold start of the Lambda `caller-scores-and-standings`.

Each sample is a fresh interpreter that imports `entrypoints.lambda_handler` (timed) and
handles one event against a loopback HTTP server standing for the API, then reports its peak
resident memory. On Linux that is `VmHWM` of /proc/self/status rather than `ru_maxrss`: a
process started by exec keeps in `ru_maxrss` the peak of the process that spawned it (the
kernel carries the old image's high-water mark across exec), so a child of this benchmark would
report at least the benchmark's own size. Elsewhere it falls back to `ru_maxrss`.

The baseline is a process that imports what any function making HTTPS calls with the standard
library imports (`json`, `ssl`, `urllib.request`), started the same way and interleaved with a
process that imports the handler, in the same run: the ratio of their medians says what the
handler costs beyond a bare function (issue 17). A bare interpreter (`python -c pass`) is
reported too, for the memory.

Two variants: the handler as installed in the development virtualenv (which also holds every
development tool, some of which httpx picks up when present), and, when `make lambda-zip` has
built it, the deployable zip extracted and run as Lambda runs it: by the runtime's Python version
(from infra/template.yaml, when such an interpreter is here), with `-I -S` so that nothing but
the zip and the standard library can be imported, and `-B` because Lambda's code directory is
read-only, so only the bytecode shipped in the zip is ever used.

Targets (issue 17, part 5): the process importing the handler at most 1.3x the one importing
`json`, `ssl` and `urllib.request` (1.8x with httpx and tenacity), and the peak RSS of a process
that imports it and handles one event at most 40 MB (the original: 139 MB). Measured on the zip
when `make lambda-zip` has built it (`make bench` does), else on the virtualenv.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import util
from pathlib import Path
from typing import Any

SAMPLES = 5
IMPORT_SAMPLES = 21  # interleaved pairs of import-only processes
IMPORT_TARGET_RATIO = 1.3
RSS_TARGET_MB = 40.0
ROOT = Path(__file__).resolve().parent.parent
ZIP = ROOT / "dist" / "caller-scores-and-standings.zip"
TOKEN = "bench-token-0123456789abcdef0123456789abcdef"  # noqa: S105 - the loopback API's
ROUND = "/api/v2/data-provider/tournaments/bench-league/matches/round-1"
STANDINGS = "/api/v2/data-provider/tournaments/bench-league/standings"

# `{path}` is where the zip was extracted, or nothing for the virtualenv.
# The peak resident memory of this process image, in kB (see the module docstring).
PEAK_KB = """
def peak_kb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

CHILD = """
import sys
{path}
import time
started = time.perf_counter()
from entrypoints.lambda_handler import handler
imported = time.perf_counter()
import json
handler(json.loads(sys.argv[1]), None)
handled = time.perf_counter()
{peak}
print(json.dumps({{
    "import_ms": (imported - started) * 1000,
    "handle_ms": (handled - imported) * 1000,
    "rss_kb": peak_kb(),
}}))
"""

BARE = PEAK_KB + "print(peak_kb())"
IMPORT_HANDLER = "import sys\n{path}\nimport entrypoints.lambda_handler"
IMPORT_STDLIB = "import sys\n{path}\nimport json, ssl, urllib.request"


class _API(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_PATCH(self) -> None:
        payload = json.dumps({"path": self.path, "updated": 0}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter
        args, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{args[:3]} failed: {done.stderr.strip()[-2000:]}")
    lines = done.stdout.strip().splitlines()
    return elapsed, lines[-1] if lines else ""


def _bare(python: str, env: dict[str, str], flags: list[str]) -> dict[str, float]:
    elapsed, out = _run([python, *flags, "-c", BARE], env)
    return {"process_ms": elapsed, "rss_mb": int(out) / 1024}


def _handler(
    python: str, env: dict[str, str], flags: list[str], path_line: str
) -> dict[str, float]:
    origin = env["API_DOMAIN_DEMO"]
    event = {
        "roundUrl": f"{origin}{ROUND}",
        "standingsUrl": f"{origin}{STANDINGS}",
        "targetEnv": "demo",
    }
    script = CHILD.format(path=path_line, peak=PEAK_KB)
    elapsed, out = _run([python, *flags, "-c", script, json.dumps(event)], env)
    sample = json.loads(out)
    return {
        "process_ms": elapsed,
        "import_ms": sample["import_ms"],
        "handle_ms": sample["handle_ms"],
        "rss_mb": sample["rss_kb"] / 1024,
    }


def _median(samples: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(sample[key] for sample in samples) for key in samples[0]}


def _imports(
    python: str, env: dict[str, str], flags: list[str], path_line: str
) -> tuple[float, float]:
    """Medians of whole processes importing the handler, and importing json, ssl and
    urllib.request, interleaved so that the machine's noise falls on both alike."""
    handler_code = IMPORT_HANDLER.format(path=path_line)
    stdlib_code = IMPORT_STDLIB.format(path=path_line)
    for code in (handler_code, stdlib_code):  # once each, unmeasured: the files in the cache
        _run([python, *flags, "-c", code], env)
    handlers, stdlibs = [], []
    for _ in range(IMPORT_SAMPLES):
        handlers.append(_run([python, *flags, "-c", handler_code], env)[0])
        stdlibs.append(_run([python, *flags, "-c", stdlib_code], env)[0])
    return statistics.median(handlers), statistics.median(stdlibs)


def _report(
    label: str,
    handler: dict[str, float],
    bare: dict[str, float],
    imports: tuple[float, float],
) -> bool:
    handler_ms, stdlib_ms = imports
    ratio = handler_ms / stdlib_ms
    import_ok = ratio <= IMPORT_TARGET_RATIO
    rss_ok = handler["rss_mb"] <= RSS_TARGET_MB
    print(f"  {label}")
    print(
        f"    import, whole process {handler_ms:7.1f} ms   {ratio:.2f}x json+ssl+urllib.request"
        f" ({stdlib_ms:.1f} ms)   target <= {IMPORT_TARGET_RATIO:g}x"
        f"   {'PASS' if import_ok else 'MISS'}"
    )
    print(f"    import         {handler['import_ms']:7.1f} ms   (inside the process)")
    print(f"    handle 1 event {handler['handle_ms']:7.1f} ms   (two PATCHes on loopback)")
    print(
        f"    peak RSS       {handler['rss_mb']:7.1f} MB   target <= {RSS_TARGET_MB:.0f} MB"
        f"   {'PASS' if rss_ok else 'MISS'}"
        f"   {handler['rss_mb'] / bare['rss_mb']:.2f}x bare ({bare['rss_mb']:.1f} MB),"
        f" +{handler['rss_mb'] - bare['rss_mb']:.1f} MB"
    )
    print(
        f"    whole process  {handler['process_ms']:7.1f} ms"
        f"   {handler['process_ms'] / bare['process_ms']:.2f}x bare ({bare['process_ms']:.1f} ms)"
    )
    return import_ok and rss_ok


def run() -> bool:
    """Print the report; True when the targets are met (by the zip when it was built)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _API)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SENTRY_", "API_DOMAIN", "INTERNAL_SERVICE_TOKEN", "PYTHON"))
    }
    env.update(
        API_DOMAIN_DEMO=f"http://127.0.0.1:{server.server_address[1]}",
        INTERNAL_SERVICE_TOKEN_DEMO=TOKEN,
    )
    print("lambda cold start: import and one event in a fresh process, against a bare function")
    print(
        f"  {IMPORT_SAMPLES} interleaved import-only processes each, then {SAMPLES} handling an"
        f" event; medians; Python {sys.version.split()[0]}"
    )
    try:
        venv_ok = _measure("virtualenv (development tools installed)", sys.executable, env, [], "")
        if ZIP.exists():
            build = _build_module()
            version = build.runtime_version()
            python = build.find_interpreter(version) or sys.executable
            with tempfile.TemporaryDirectory() as unpacked:
                with zipfile.ZipFile(ZIP) as archive:
                    archive.extractall(unpacked)
                zip_ok = _measure(
                    f"deployable zip ({ZIP.stat().st_size / 1e6:.1f} MB) for Python {version},"
                    f" run by {_version_of(python)} -I -S -B",
                    python,
                    env,
                    ["-I", "-S", "-B"],
                    f"sys.path.insert(0, {unpacked!r})",
                )
            print(f"\nlambda cold start: {'PASS' if zip_ok else 'MISS'}")
            return zip_ok
        print("  (run `make lambda-zip` first to measure the deployable zip as well)")
        print(f"\nlambda cold start: {'PASS' if venv_ok else 'MISS'}")
        return venv_ok
    finally:
        server.shutdown()
        server.server_close()


def _measure(
    label: str, python: str, env: dict[str, str], flags: list[str], path_line: str
) -> bool:
    imports = _imports(python, env, flags, path_line)
    bare = _median([_bare(python, env, flags) for _ in range(SAMPLES)])
    handler = _median([_handler(python, env, flags, path_line) for _ in range(SAMPLES)])
    return _report(label, handler, bare, imports)


def _build_module() -> Any:
    """infra/build_lambda_zip.py, which knows the runtime's version and how to find a Python."""
    spec = util.spec_from_file_location("build_lambda_zip", ROOT / "infra/build_lambda_zip.py")
    if spec is None or spec.loader is None:
        raise RuntimeError("cannot load infra/build_lambda_zip.py")
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _version_of(python: str) -> str:
    _, out = _run([python, "-c", "import sys; print('Python', sys.version.split()[0])"], {})
    return out


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
