# bestshot: every target a user needs, nothing hidden. `make help` lists them.
# The first Python 3.11+ on PATH (python3 may be older on some systems); `make PYTHON=...` to choose.
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo $$p && break; done)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements/dev.lock

.DEFAULT_GOAL := help
.PHONY: help install lock run demo test unit lint format bench lambda-zip browser clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

# The stamp makes a second `make install` a no-op until pyproject.toml or the lock changes.
# Every package comes from the lock, at its pinned version and hash (the build backend too, so
# the editable install of bestshot itself fetches nothing); `pip check` catches a lock that
# misses a dependency pyproject.toml added (run `make lock`).
$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install bestshot with every extra and the dev tools, as locked

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "bestshot needs Python 3.11 or newer on PATH (or make PYTHON=/path/to/python3.11)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "bestshot needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

# uv alone, at its locked version and hash: `make lock` works while the lock is out of date.
$(BIN)/uv: $(LOCK) | $(BIN)/python
	awk '/^uv==/ {p = 1} p {print} p && !/\\$$/ {exit}' $(LOCK) > $(VENV)/uv.txt
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(VENV)/uv.txt
	@touch $@

# `make lock` keeps the pins that still satisfy pyproject.toml; `make lock UPGRADE="httpx ruff"`
# moves those packages to their newest allowed versions, `make lock UPGRADE=all` every package.
UPGRADE ?=
UPGRADE_FLAGS = $(if $(filter all,$(UPGRADE)),--upgrade,$(foreach p,$(UPGRADE),--upgrade-package $(p)))

lock: $(BIN)/uv ## refresh requirements/dev.lock (hashes, every platform) from pyproject.toml
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --extra dev --universal \
		--python-version 3.11 --generate-hashes --index-url https://pypi.org/simple --no-config \
		$(UPGRADE_FLAGS) --quiet --output-file $(LOCK)

run: $(STAMP) ## serve the API and the console on 127.0.0.1:8000 (embedded PostgreSQL, demo league, local scheduler)
	$(BIN)/bestshot serve --seed-demo

demo: $(STAMP) ## one simulated matchday end to end, in seconds
	$(BIN)/bestshot demo

lint: $(STAMP) ## ruff, formatting, mypy (strict on src/ and bench/, nearly on tests/), import contracts, the template (SAM-transformed too), the workflows (actionlint)
	$(BIN)/ruff check src tests bench infra
	$(BIN)/ruff format --check src tests bench infra
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python infra/lint_template.py infra/template.yaml
	$(BIN)/actionlint .github/workflows/*.yml

# Floors of branch coverage per package (the total's is `fail_under` in pyproject.toml), half a
# point under what the suite reaches (94.1 and 93.2 for adapters and entrypoints), since the
# random order moves a few branches from one run to the next.
COVERAGE_FLOORS := bestshot_domain=98 bestshot_routes=95 adapters=93.5 entrypoints=92.5

# The browser tests drive Debian's chromium (Playwright's own browser download is not used):
# installed with apt-get when missing (CI runs as root), left alone when it is there. Another
# Chromium build works too: `CHROMIUM=/usr/bin/google-chrome make test` (GitHub's runners).
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

browser: ## install Debian's chromium for the browser tests, unless CHROMIUM (default /usr/bin/chromium) exists
	@if [ -x $(CHROMIUM) ]; then echo "chromium: $(CHROMIUM)"; else \
		apt-get update && apt-get install -y --no-install-recommends chromium; fi

# The suite's processes (pytest-xdist): one per core by default; `make test TEST_WORKERS=0` runs
# it in this one process, `TEST_WORKERS=4` in four. Each process has its own embedded PostgreSQL
# (tests/conftest.py) and runs whole files (loadfile), so a module's fixtures start once.
TEST_WORKERS ?= auto
XDIST = -n $(TEST_WORKERS) --dist loadfile

test: $(STAMP) browser lint ## lint, then the whole suite in a random order on every core, with branch coverage floors
	$(BIN)/pytest $(XDIST) --cov --cov-report=term
	@for floor in $(COVERAGE_FLOORS); do \
		package=$${floor%%=*}; minimum=$${floor##*=}; \
		total=$$($(BIN)/coverage report --include="src/$$package/*" --format=total --fail-under=0); \
		echo "coverage of src/$$package: $$total% (floor $$minimum%)"; \
		$(BIN)/coverage report --include="src/$$package/*" --fail-under=$$minimum >/dev/null \
			|| { echo "src/$$package is below its coverage floor"; exit 1; }; \
	done

unit: $(STAMP) ## every test that needs no server (unit tests and the in-memory contracts)
	$(BIN)/pytest $(XDIST) -m "not integration"

format: $(STAMP) ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix src tests bench infra
	$(BIN)/ruff format src tests bench infra

bench: $(STAMP) lambda-zip ## benchmarks, as ratios against a baseline run in the same process (the Lambda zip built first)
	$(BIN)/python -m bench

lambda-zip: $(STAMP) ## build dist/caller-scores-and-standings.zip, the Lambda's deployable code
	$(BIN)/python infra/build_lambda_zip.py --output dist/caller-scores-and-standings.zip

clean: ## remove the virtualenv and caches (keeps .bestshot data)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage
