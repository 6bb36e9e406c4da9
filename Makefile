# The course's commands. `make book` builds and opens the course; `make test`
# runs every test. Both set themselves up on a machine with nothing but
# Python 3.11+: a virtual environment in .venv, the pinned requirements, cnnlib,
# and (for the browser test, where apt-get exists) Debian's chromium.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BOOK   := _build/html/index.html
# Sphinx warnings fail the build in tests and CI; `make book` shows them.
BOOK_FLAGS ?=

.DEFAULT_GOAL := help
.PHONY: help setup book book-strict open test test-fast lint lab system-deps benchmark clean

help:  ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.x")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

setup: $(STAMP)  ## Create .venv with the pinned requirements and cnnlib

book: $(STAMP)  ## Execute every page and build the HTML book into _build/html
	$(BIN)/jupyter-book build . $(BOOK_FLAGS)
	@echo
	@echo "The course is built. Open it with:  $(BIN)/python -m webbrowser file://$(CURDIR)/$(BOOK)"
	@echo "or serve it with:                   $(BIN)/python -m http.server -d _build/html 8000"

book-strict: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going

open: book  ## Build the book, then open it in a browser
	$(BIN)/python -m webbrowser "file://$(CURDIR)/$(BOOK)"

system-deps:  ## Install Debian's chromium and chromedriver for the browser test (apt only)
	@$(PYTHON) tools/system_deps.py

test: $(STAMP) system-deps book-strict  ## Set up, build the book with warnings as errors, run every test
	$(BIN)/python -m pytest

test-fast: $(STAMP)  ## The library's tests only (no book, no browser, no nbgrader runs)
	$(BIN)/python -m pytest tests/cnnlib cnnlib

lint: $(STAMP)  ## ruff over the library, tests and benchmarks
	$(BIN)/ruff check cnnlib tests benchmarks tools

lab: $(STAMP)  ## Open JupyterLab on the student exercises
	$(BIN)/jupyter lab exercises

benchmark: $(STAMP)  ## Time conv/pooling against torch, and LeNet-5 training (OpenBLAS work-around unset)
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python benchmarks/conv.py
	$(BIN)/python benchmarks/train.py

clean:  ## Remove build outputs (keeps .venv)
	rm -rf _build .pytest_cache
