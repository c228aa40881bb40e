"""The engine as a library (issue 12, part 7): the README's example runs, its names are the
documented API, and the wheel ships the type information."""

from __future__ import annotations

import doctest
import re
import types
import zipfile
from pathlib import Path

from hatchling.builders.wheel import WheelBuilder

from bestshot_domain import standings

ROOT = Path(__file__).resolve().parents[3]
SECTION = "## Using the engine from Python"


def _section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(SECTION)
    end = readme.find("\n## ", start + len(SECTION))
    return readme[start : end if end != -1 else len(readme)]


def test_the_readme_example_runs_as_written() -> None:
    blocks = re.findall(r"```pycon\n(.*?)```", _section(), flags=re.DOTALL)
    assert blocks, "the section has a ```pycon example"
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for number, block in enumerate(blocks):
        test = parser.get_doctest(block, {}, f"README example {number}", "README.md", 0)
        runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0
    assert results.attempted >= 10


def test_every_public_name_is_documented_and_exported() -> None:
    section = _section()
    undocumented = [name for name in standings.__all__ if f"`{name}" not in section]
    assert undocumented == []
    public = {
        name
        for name, value in vars(standings).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name != "annotations"
    }
    assert public == set(standings.__all__)


def test_the_wheel_ships_the_type_information(tmp_path: Path) -> None:
    (wheel,) = WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "bestshot_domain/py.typed" in names
    assert "bestshot_domain/standings/__init__.py" in names
