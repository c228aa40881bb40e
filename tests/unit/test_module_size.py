"""The team's rule: no module in src/ over 400 lines (split by concern, re-export moved names)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 400


def oversized(root: Path, limit: int = LIMIT) -> list[str]:
    """The Python files under `root` longer than `limit` lines, as "path: N lines"."""
    found = []
    for path in sorted(root.rglob("*.py")):
        with path.open(encoding="utf-8") as lines:
            count = sum(1 for _ in lines)
        if count > limit:
            found.append(f"{path.relative_to(root).as_posix()}: {count} lines")
    return found


def test_no_module_in_src_is_over_the_limit() -> None:
    assert (ROOT / "src").is_dir()
    assert oversized(ROOT / "src") == [], f"split these modules (over {LIMIT} lines)"


def test_the_check_names_each_file_over_the_limit(tmp_path: Path) -> None:
    package = tmp_path / "pkg" / "sub"
    package.mkdir(parents=True)
    (package / "long.py").write_text("x = 1\n" * (LIMIT + 1), encoding="utf-8")
    (package / "at_limit.py").write_text("x = 1\n" * LIMIT, encoding="utf-8")
    (tmp_path / "pkg" / "notes.txt").write_text("x\n" * (LIMIT + 5), encoding="utf-8")

    assert oversized(tmp_path) == [f"pkg/sub/long.py: {LIMIT + 1} lines"]
