# framekit — the front door. `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
COLLECTION ?= putin-xi-2022
STAMP := $(VENV)/.framekit-installed

.PHONY: help install report test test-fast lab bench lint lock clean

help: ## Show the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "framekit needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python -m helpers.provision
	$(BIN)/python -m ipykernel install --sys-prefix --name framekit --display-name "Python (framekit)" >/dev/null
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the pinned dependencies (no-op when up to date)

report: $(STAMP) ## Run every notebook on COLLECTION (default putin-xi-2022) into reports/COLLECTION/
	$(BIN)/framekit report --data data/raw/$(COLLECTION) --out reports/$(COLLECTION)

test: $(STAMP) ## Run the whole test suite (unit tests, notebooks, report, browser) and ruff
	$(BIN)/ruff check src tests scripts
	$(BIN)/python -m pytest -q

test-fast: $(STAMP) ## Run the unit tests only (skip notebooks, report and browser)
	$(BIN)/python -m pytest -q -m "not slow"

lab: $(STAMP) ## Start JupyterLab on notebooks/ with the project kernel
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(STAMP) ## Benchmark 1,000 and 10,000 synthetic articles (not part of make test)
	$(BIN)/python scripts/bench.py

lint: $(STAMP) ## ruff check and notebook-output check
	$(BIN)/ruff check src tests scripts
	$(BIN)/nbstripout --verify --keep-id notebooks/*.ipynb

lock: ## Re-pin requirements.lock from pyproject.toml (needs network)
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet -e '.[dev]'
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^framekit' > requirements.lock
	rm -rf .lock-venv

clean: ## Remove the parse cache and generated reports
	rm -rf data/processed reports
