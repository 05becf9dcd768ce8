# Models for Change: the two commands a librarian needs are `make serve` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8866
START := voila/render/notebooks/00-start.ipynb
# nbgrader calls `alembic` by name, and tests call `voila`/`jupyter`: the venv goes first on PATH.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: serve test check lint format strip bench chromium install install-test clean help

help:
	@echo "make serve   install what is needed into $(VENV) and open the course at http://$(HOST):$(PORT)/$(START)"
	@echo "make test    install the test tools (and Debian's chromium if missing) and run the whole suite"
	@echo "make check   validate the course content under modules/"
	@echo "make lint    ruff on the package, tests and benchmarks"
	@echo "make format  ruff format + fixes, and strip notebook outputs"
	@echo "make bench   start-page time to first widget and kernel memory against the reference"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV) || { echo "Cannot create $(VENV): on Debian/Ubuntu install python3-venv (sudo apt-get install python3-venv)"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

serve: install
	@echo ""
	@echo "  Models for Change is starting. Open this address in your browser:"
	@echo ""
	@echo "      http://$(HOST):$(PORT)/$(START)"
	@echo ""
	@echo "  (Press Ctrl+C here to stop the course.)"
	@echo ""
	$(BIN)/voila --no-browser --port=$(PORT) --Voila.ip=$(HOST) .

# Browser tests drive Debian's Chromium; install it when missing and we may (root).
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "NOTE: /usr/bin/chromium is missing; browser tests will be skipped (and fail under CI=true)."; \
		echo "      Install it with: sudo apt-get install chromium"; \
	fi

test: install-test chromium
	$(BIN)/python -m pytest

check: install
	$(BIN)/engage check

lint: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: install-test
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/nbstripout --drop-empty-cells --extra-keys "metadata.language_info.version metadata.widgets" notebooks/*.ipynb benchmarks/ref/*.ipynb

strip: install-test
	$(BIN)/nbstripout --extra-keys "metadata.language_info.version metadata.widgets" notebooks/*.ipynb benchmarks/ref/*.ipynb

bench: install-test chromium
	$(BIN)/python benchmarks/voila_ttfw.py notebooks/00-start.ipynb -r 5

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache src/*.egg-info
