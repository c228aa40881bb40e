"""Providers are declared once, in their own modules: the registry, the settings, the import
body's enum and the docs' tables all agree with the declarations, and no module names the
providers in a list of its own."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import adapters.sources
from adapters.memory import MemoryScheduler, MemoryUnitOfWorkFactory, SettableClock
from adapters.sources.declaration import Provider
from adapters.sources.providers import DECLARATIONS, PARSERS, PROVIDERS
from entrypoints.bootstrap import bootstrap
from entrypoints.settings import ProvidersSettings, read_settings
from tests.builders import T0

ROOT = Path(__file__).resolve().parents[3]
CONTRACT_FIXTURES = ROOT / "tests" / "contracts" / "sources"
# What every provider shares; each provider's own variables come from its declaration.
SHARED = {
    "BESTSHOT_HTTP_CONNECT_TIMEOUT",
    "BESTSHOT_HTTP_READ_TIMEOUT",
    "BESTSHOT_HTTP_ATTEMPTS",
    "BESTSHOT_HTTP_DEADLINE_SECONDS",
    "BESTSHOT_HTTP_MAX_BODY_BYTES",
}


def _declaring_modules() -> Iterator[tuple[str, Provider]]:
    for module in pkgutil.iter_modules(adapters.sources.__path__):
        loaded = importlib.import_module(f"adapters.sources.{module.name}")
        declared = getattr(loaded, "DECLARATION", None)
        if declared is not None:
            yield module.name, declared


def test_the_registry_is_the_declarations_one_module_each() -> None:
    found = list(_declaring_modules())
    assert found, "no provider declared"
    assert all(isinstance(declared, Provider) for _, declared in found)
    # The module is named as its provider: one module, one provider, found by its name.
    assert [(module, declared.name) for module, declared in found] == [
        (module, module) for module, _ in found
    ]
    assert tuple(sorted(module for module, _ in found)) == PROVIDERS
    assert set(PARSERS) == {name for name, d in DECLARATIONS.items() if d.parser is not None}


def test_every_declaration_is_whole() -> None:
    variables = [v for declared in DECLARATIONS.values() for v in declared.variables()]
    assert len(variables) == len(set(variables)), "a variable declared twice"
    for name, declared in DECLARATIONS.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name), name
        assert declared.title
        assert declared.reference.shape
        assert declared.reference.example
        if declared.http:
            assert declared.base_url is not None
            assert declared.base_url.startswith("https://"), name
            assert declared.rate_limit is not None, f"{name} declares no rate limit"
        if declared.parser is not None:
            assert declared.payload, f"{name} does not say what its parser reads"
        keys = [setting.key for setting in declared.settings]
        assert len(keys) == len(set(keys)), name


def test_the_settings_read_exactly_the_declared_variables() -> None:
    declared = {v for provider in DECLARATIONS.values() for v in provider.variables()}
    assert set(ProvidersSettings.variables()) == SHARED | declared
    secrets = {s.variable for p in DECLARATIONS.values() for s in p.settings if s.secret}
    assert set(ProvidersSettings.secret_variables()) == secrets


def test_each_declared_setting_reaches_its_provider() -> None:
    environ = {
        setting.variable: setting.example
        for declared in DECLARATIONS.values()
        for setting in declared.settings
    }
    configured = read_settings(environ).sources().providers
    for name, declared in DECLARATIONS.items():
        for setting in declared.settings:
            expected = setting.parse(setting.example)
            assert expected != setting.default, f"{setting.variable}'s example is its default"
            assert setting.of(configured[name]) == expected, setting.variable


async def test_the_served_import_body_names_the_declared_providers() -> None:
    # The production wiring: every source built from the declarations, none handed in.
    async with bootstrap(
        read_settings({}),
        uow_factory=MemoryUnitOfWorkFactory(),
        scheduler=MemoryScheduler(),
        clock=SettableClock(T0),
    ) as service:
        assert tuple(service.sources) == PROVIDERS
        document = service.app().state.openapi_document()
    body = document["components"]["schemas"]["TournamentImportIn"]["properties"]
    assert body["provider"]["enum"] == list(PROVIDERS)
    for declared in DECLARATIONS.values():
        assert f"`{declared.reference.example}`" in body["reference"]["description"]


def _provider_table(text: str, heading: str) -> list[str]:
    """The backticked provider names of the first table after `heading`, in order."""
    lines = text.split(heading, 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    names = []
    for row in rows[2:]:  # past the header and its rule
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        names += [c.strip("`") for c in cells if c.strip("`") in DECLARATIONS and c[:1] == "`"]
    return names


@pytest.mark.parametrize(
    ("document", "heading"),
    [("README.md", "## Pointing bestshot at a real provider"), ("docs/sources.md", "# Result")],
)
def test_the_docs_tables_name_every_declared_provider(document: str, heading: str) -> None:
    names = _provider_table((ROOT / document).read_text(), heading)
    assert sorted(names) == sorted(PROVIDERS)


def test_every_declared_provider_has_a_contract_fixture() -> None:
    fixtures = {path.stem for path in CONTRACT_FIXTURES.glob("*.py")} - {"__init__", "recorded"}
    assert fixtures == set(PROVIDERS)


def _names(node: ast.AST, variables: dict[str, str]) -> str | None:
    """The provider `node` names: its name or one of its variables as a string, or its module."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
        if text.lower() in DECLARATIONS:
            return text.lower()
        return variables.get(text.upper())
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id if node.value.id in DECLARATIONS else None
    return None


def _lists_of_providers(path: Path) -> Iterator[tuple[int, set[str]]]:
    variables = {v: name for name, d in DECLARATIONS.items() for v in d.variables()}
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            items: list[ast.AST] = list(node.elts)
        elif isinstance(node, ast.Dict):
            items = [key for key in node.keys if key is not None]
            items += node.values
        else:
            continue
        named = {name for item in items if (name := _names(item, variables)) is not None}
        # Two may be a test's own pair (a demo league beside an openfootball file); three or
        # more is a list of the providers that a new one would have to be added to.
        if len(named) >= 3:
            yield node.lineno, named


def test_no_module_lists_the_providers_by_hand() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line} names {', '.join(sorted(named))}"
        for folder in ("src", "tests", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line, named in _lists_of_providers(path)
    ]
    assert found == []


def test_the_scan_finds_a_list_of_providers(tmp_path: Path) -> None:
    names = sorted(DECLARATIONS)[:3]
    listed = tmp_path / "listed.py"
    listed.write_text(f"KNOWN = {tuple(names)!r}\n")
    assert [named for _, named in _lists_of_providers(listed)] == [set(names)]
