# bestshot: every target a user needs, nothing hidden. `make help` lists them.
# The first Python 3.11+ on PATH (python3 may be older on some systems); `make PYTHON=...` to choose.
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo $$p && break; done)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run demo test unit lint format bench lambda-zip clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

# The stamp makes a second `make install` a no-op until pyproject.toml changes.
$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "bestshot needs Python 3.11 or newer on PATH (or make PYTHON=/path/to/python3.11)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "bestshot needs Python 3.11 or newer")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install bestshot with its dev tools

run: $(STAMP) ## serve the API on 127.0.0.1:8000 (embedded PostgreSQL, demo league, local scheduler)
	$(BIN)/bestshot serve --seed-demo

demo: $(STAMP) ## one simulated matchday end to end, in seconds
	$(BIN)/bestshot demo

lint: $(STAMP) ## ruff, formatting, mypy (strict on src/), import contracts
	$(BIN)/ruff check src tests bench infra
	$(BIN)/ruff format --check src tests bench infra
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/cfn-lint infra/template.yaml

test: $(STAMP) lint ## lint, then the whole test suite
	$(BIN)/pytest

unit: $(STAMP) ## the fast unit tests only
	$(BIN)/pytest tests/unit

format: $(STAMP) ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix src tests bench infra
	$(BIN)/ruff format src tests bench infra

bench: $(STAMP) ## benchmarks, as ratios against a baseline run in the same process
	$(BIN)/python -m bench

lambda-zip: $(STAMP) ## build dist/caller-scores-and-standings.zip, the Lambda's deployable code
	$(BIN)/python infra/build_lambda_zip.py --output dist/caller-scores-and-standings.zip

clean: ## remove the virtualenv and caches (keeps .bestshot data)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
