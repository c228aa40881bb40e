"""Reading a results file by a path as written on a command line, without importing pathlib."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.files.results_file import _as_pathlib_writes_it, read_results_file
from bestshot_domain.errors import InvalidInput

WORLD_CUP = Path(__file__).resolve().parents[3] / "examples" / "worldcup-2018.json"


@given(st.text(alphabet="/.a ", max_size=12))
def test_a_path_reads_as_pathlib_writes_it(written: str) -> None:
    assert _as_pathlib_writes_it(written) == str(Path(written))
    assert _as_pathlib_writes_it(Path(written)) == str(Path(written))


def test_a_path_spelled_loosely_opens_the_file_and_is_named_as_pathlib_names_it(
    tmp_path: Path,
) -> None:
    shutil.copy(WORLD_CUP, tmp_path / "cup.json")
    # A trailing slash names no folder to pathlib: the file is read, as before.
    loose = f"{tmp_path}//./cup.json/"
    assert len(read_results_file(loose).teams) == 32
    with pytest.raises(InvalidInput) as error:
        read_results_file(f"{tmp_path}/./missing.json")
    assert str(error.value) == f"{tmp_path}/missing.json: no such file"
