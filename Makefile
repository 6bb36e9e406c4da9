# The course's commands. `make book` builds and opens the course; `make test`
# runs every test. Both set themselves up on a machine with nothing but
# Python 3.11+: a virtual environment in .venv, the pinned requirements, cnnlib,
# and (for the browser test and the grading sandbox, where apt-get exists) Debian's
# chromium and bubblewrap.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BOOK   := _build/html/index.html
# Sphinx warnings fail the build in tests and CI; `make book` shows them.
BOOK_FLAGS ?=

.DEFAULT_GOAL := help
.PHONY: help setup book book-strict open test test-fast lint lab system-deps hub-deps hub convnetjs wabt convnet-kernels benchmark clean
.PHONY: release release-exchange collect collect-zip autograde feedback release-feedback grades formgrader weights

help:  ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml grader/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.x")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e . -e grader
	@touch $(STAMP)

setup: $(STAMP)  ## Create .venv with the pinned requirements, cnnlib and the grader

# Pages import cnnlib and embed its explorers' JavaScript, which the execution cache does not
# see (it hashes the pages' code only): after any change to cnnlib every page runs again. Sphinx
# re-reads only the pages whose own files changed, so its environment (_build/.doctrees) goes
# too, or the other pages would keep outputs computed with the old cnnlib. A cache without its
# stamp (removed, or never finished) counts as stale. The stamp is taken before the build, so
# a change to cnnlib made while the pages run is seen by the next build.
CACHE       := _build/.jupyter_cache
CNNLIB_STAMP := $(CACHE)/.cnnlib
STALE_CACHE := if [ ! -f $(CNNLIB_STAMP) ] || [ -n "$$(find cnnlib -name __pycache__ -prune -o -newer $(CNNLIB_STAMP) -print -quit)" ]; \
                 then [ -d _build/.doctrees ] && echo "cnnlib changed, or the execution cache is gone: every page runs again"; \
                 rm -rf $(CACHE) _build/.doctrees; fi; \
               mkdir -p _build && touch _build/.cnnlib-building
SAVE_STAMP  := mkdir -p $(CACHE) && mv _build/.cnnlib-building $(CNNLIB_STAMP)

# tools/build_book.py is `jupyter-book build` with Sphinx reading, and so executing, pages on every core.
book: $(STAMP)  ## Execute every page and build the HTML book into _build/html
	@$(STALE_CACHE)
	$(BIN)/python tools/build_book.py . $(BOOK_FLAGS)
	@$(SAVE_STAMP)
	@echo
	@echo "The course is built. Open it with:  $(BIN)/python -m webbrowser file://$(CURDIR)/$(BOOK)"
	@echo "or serve it with:                   $(BIN)/python -m http.server -d _build/html 8000"

book-strict: $(STAMP)
	@$(STALE_CACHE)
	$(BIN)/python tools/build_book.py . -W -n --keep-going
	@$(SAVE_STAMP)

open: book  ## Build the book, then open it in a browser
	$(BIN)/python -m webbrowser "file://$(CURDIR)/$(BOOK)"

system-deps:  ## Install Debian's chromium, chromedriver (browser tests), bubblewrap (grading sandbox) and npm (hub); apt only
	@$(PYTHON) tools/system_deps.py

# JupyterHub's proxy is an npm package, pinned in tools/hub/package-lock.json, installed beside
# the venv; the hub's users run a Python they can all reach (tools/hub/user_python.py).
HUB_PROXY := $(VENV)/node/node_modules/.bin/configurable-http-proxy
$(HUB_PROXY): tools/hub/package.json tools/hub/package-lock.json
	@if command -v npm >/dev/null; then \
	  mkdir -p $(VENV)/node && cp tools/hub/package.json tools/hub/package-lock.json $(VENV)/node/ && \
	  npm ci --prefix $(VENV)/node --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "hub-deps: no npm here (make system-deps installs it with apt-get); the hub test will be skipped"; fi

# HUB_PYTHON must be a folder every hub user can reach: outside the clone when it lies in a private home
# (then hub-deps says so and goes on: the hub test builds its own outside; `make hub` needs HUB_PYTHON set).
HUB_PYTHON ?= $(VENV)/hub-python
hub-deps: $(STAMP) $(HUB_PROXY)  ## JupyterHub's proxy (npm) and a Python every hub user can run, for `make hub` and its test
	-$(BIN)/python tools/hub/user_python.py "$(HUB_PYTHON)"

# The npm packages pinned in tools/$(1)/package-lock.json, installed in $(VENV)/$(1), beside the venv like
# the hub's proxy, then the stamp $@ touched; without npm, says what goes without ($(2)).
NPM_CI = @if command -v npm >/dev/null; then \
	  mkdir -p $(VENV)/$(1) && cp tools/$(1)/package.json tools/$(1)/package-lock.json $(VENV)/$(1)/ && \
	  npm ci --prefix $(VENV)/$(1) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "$(1): no npm here (make system-deps installs it with apt-get); $(2)"; fi

# ConvNetJS, the peer that benchmarks/convnet_js.py races the in-browser convnet against (npm).
CONVNETJS := $(VENV)/convnetjs/node_modules/convnetjs/package.json
$(CONVNETJS): tools/convnetjs/package.json tools/convnetjs/package-lock.json
	$(call NPM_CI,convnetjs,the benchmark times the page's convnet alone)

convnetjs: $(STAMP) $(CONVNETJS)  ## ConvNetJS (npm), the peer of the in-browser convnet's benchmark and its test

# wabt, the assembler of the in-browser convnet's WebAssembly kernels (cnnlib/explorers/js/convnet_kernels.wat,
# npm); a test checks that the committed convnet_kernels.js is the .wat assembled.
WABT := $(VENV)/convnet_wasm/node_modules/wabt/package.json
$(WABT): tools/convnet_wasm/package.json tools/convnet_wasm/package-lock.json
	$(call NPM_CI,convnet_wasm,the test of the committed kernels will be skipped)

wabt: $(WABT)  ## wabt (npm), the assembler of the in-browser convnet's WebAssembly kernels, for their test

convnet-kernels: $(WABT)  ## Assemble cnnlib/explorers/js/convnet_kernels.wat into convnet_kernels.js, after editing the .wat
	node tools/convnet_wasm/build.js

HUB_EXCHANGE ?= /srv/nbgrader/exchange
hub: hub-deps  ## As root: the course's JupyterHub on http://127.0.0.1:8000, PAM logins (tools/hub/jupyterhub_config.py; see README)
	mkdir -p $(HUB_EXCHANGE) /srv/jupyterhub && chmod 1777 $(HUB_EXCHANGE) && chmod 700 /srv/jupyterhub
	NBGRADER_EXCHANGE=$(HUB_EXCHANGE) COURSE_HUB_PYTHON=$$($(BIN)/python tools/hub/user_python.py "$(HUB_PYTHON)") $(BIN)/python -m jupyterhub -f tools/hub/jupyterhub_config.py

test: $(STAMP) system-deps hub-deps convnetjs wabt lint book-strict  ## Set up, lint, build the book with warnings as errors, run every test
	$(BIN)/python -m pytest

test-fast: $(STAMP) $(WABT)  ## The library's tests only (no book, no browser, no nbgrader runs)
	$(BIN)/python -m pytest tests/cnnlib cnnlib -m "not slow"

lint: $(STAMP)  ## ruff over the library, the grader, tests and benchmarks
	$(BIN)/ruff check cnnlib grader tests benchmarks tools book/_ext nbgrader_config.py

# nbgrader finds nbgrader_config.py (course id, exchange root) from any folder
# through JUPYTER_CONFIG_PATH; it calls alembic, hence .venv/bin on PATH.
NBGRADER_ENV := PATH="$(abspath $(BIN)):$$PATH" JUPYTER_CONFIG_PATH="$(CURDIR)"
NBGRADER     := $(NBGRADER_ENV) $(BIN)/nbgrader
# Jupyter refuses to start as root unless told; containers often run as root.
LAB_FLAGS    ?= $(if $(filter 0,$(shell id -u)),--allow-root)
ASSIGNMENTS  := $(notdir $(wildcard solutions/a*))
# Instructor targets act on every assignment unless told: make autograde ASSIGNMENT=a1_convolution
ASSIGNMENT   ?= *
# and autograde, feedback and release-feedback on every student unless told: STUDENT=jdoe
STUDENT      ?=
EXCHANGE     ?= $(CURDIR)/.exchange
# The exchange's commands take one assignment at a time.
EACH_ASSIGNMENT := $(if $(filter *,$(ASSIGNMENT)),$(ASSIGNMENTS),$(ASSIGNMENT))
# One student's work is done again (nbgrader skips what it has done), the rest left alone.
ONE_STUDENT  := $(if $(STUDENT),--student="$(STUDENT)" --force)

# The server starts in exercises/: nbgrader's Assignments list fetches into, and submits
# from, the server's working folder, which must be the folder JupyterLab shows. It listens on
# localhost, on port JUPYTER_PORT (8888 or the next free one), and prints its URL with the token.
lab: $(STAMP)  ## Open JupyterLab on the student exercises (Assignments list, Validate button)
	mkdir -p $(EXCHANGE) && chmod 777 $(EXCHANGE)
	@echo "JupyterLab serves exercises/ at the http://localhost:.../lab?token=... URL printed below; open it in a browser."
	cd exercises && $(NBGRADER_ENV) NBGRADER_EXCHANGE=$(EXCHANGE) $(abspath $(BIN))/python $(abspath $(dir $(firstword $(MAKEFILE_LIST))))/tools/student_lab/lab.py \
	  --book=$(CURDIR)/_build/html $(LAB_FLAGS)

# Assignment 5 looks inside a trained LeNet-5 whose weights ship with cnnlib (the sandbox that grades it sees them).
weights: $(STAMP)  ## Instructors: train assignment 5's LeNet-5 again (CPU, fixed seeds) into cnnlib/grading/lenet5_mnist.pt
	$(BIN)/python -m cnnlib.grading.trained

release: $(STAMP)  ## Instructors: regenerate exercises/ from solutions/ (nbgrader generate_assignment)
	$(NBGRADER) generate_assignment "$(ASSIGNMENT)" --force

release-exchange: release  ## Instructors: also publish the assignments to the exchange for students to fetch
	mkdir -p $(EXCHANGE) && chmod 777 $(EXCHANGE)
	for a in $(EACH_ASSIGNMENT); do \
	  NBGRADER_EXCHANGE=$(EXCHANGE) $(NBGRADER) release_assignment $$a --force || exit 1; done

collect: $(STAMP)  ## Instructors: collect submissions from the exchange into submitted/
	for a in $(EACH_ASSIGNMENT); do \
	  NBGRADER_EXCHANGE=$(EXCHANGE) $(NBGRADER) collect $$a --update || exit 1; done

# zip_collect takes one assignment, not a pattern: by default each one with a download.
ZIPPED := $(if $(filter *,$(ASSIGNMENT)),$(patsubst downloaded/%/archive,%,$(wildcard downloaded/*/archive)),$(ASSIGNMENT))
collect-zip: $(STAMP)  ## Instructors: unpack an LMS download (downloaded/<assignment>/archive/*.zip) into submitted/
	@test -n "$(ZIPPED)" || { echo "Nothing to collect: put the LMS's zip files in downloaded/<assignment>/archive/"; exit 1; }
	for a in $(ZIPPED); do $(NBGRADER) zip_collect $$a --force || exit 1; done

# Sealed assignments are graded on every core first (grader/sealed/batch.py); nbgrader then
# records each result in the gradebook, one assignment at a time, skipping the submissions that
# failed on an earlier run for the same files (autograded/.sealed/<assignment>.known: their
# traceback is not printed again), and the class report follows (reports/<assignment>.html), ending
# with the table of the submissions that could not be graded and why. Exit status: 0 when every
# submission was graded and recorded, 1 when one or more could not be (the table names them).
autograde: $(STAMP)  ## Instructors: run every new submission with the hidden tests (or STUDENT=id's again), into autograded/ and the gradebook
	@status=0; $(NBGRADER_ENV) $(BIN)/python -m grader.sealed.batch . "$(ASSIGNMENT)" $(if $(STUDENT),"$(STUDENT)") || status=1; \
	for a in $(EACH_ASSIGNMENT); do \
	  ls -d submitted/*/$$a >/dev/null 2>&1 || continue; \
	  $(NBGRADER) autograde "$$a" $(ONE_STUDENT) \
	    $(if $(STUDENT),,--CourseDirectory.student_id_exclude="$$(cat autograded/.sealed/$$a.known 2>/dev/null)") || status=1; \
	done; \
	$(NBGRADER_ENV) $(BIN)/python -m grader.sealed.report . "$(ASSIGNMENT)" || status=1; exit $$status

# Feedback, then the submissions it left out (could not be graded) and the grades still pending
# (written answers that wait for a grader show as 0 until graded), by name (feedback_check.py).
feedback: $(STAMP)  ## Instructors: write feedback HTML (hidden tests hidden, known mistakes named) into feedback/; names what is left out or pending
	@$(NBGRADER) generate_feedback "$(ASSIGNMENT)" $(ONE_STUDENT); status=$$?; \
	$(NBGRADER_ENV) $(BIN)/python -m grader.sealed.feedback_check . "$(ASSIGNMENT)" $(if $(STUDENT),"$(STUDENT)"); \
	exit $$status

# Feedback goes back only to submissions that came through the exchange, which hold the
# submission_secret.txt that names the student's copy; the others (an LMS's) are listed and left out.
release-feedback: feedback  ## Instructors: hand the feedback back through the exchange; students run nbgrader fetch_feedback
	mkdir -p $(EXCHANGE) && chmod 777 $(EXCHANGE)
	for a in $(EACH_ASSIGNMENT); do \
	  skip=$$(for d in feedback/$(if $(STUDENT),"$(STUDENT)",*)/$$a; do test ! -d "$$d" -o -f "$$d/submission_secret.txt" || basename "$${d%/*}"; done | paste -sd, -); \
	  test -z "$$skip" || echo "$$a: not submitted through the exchange, so not released: $$skip"; \
	  NBGRADER_EXCHANGE=$(EXCHANGE) $(NBGRADER) release_feedback $$a $(if $(STUDENT),--student="$(STUDENT)") \
	    --CourseDirectory.student_id_exclude="$$skip" || exit 1; done

grades: $(STAMP)  ## Instructors: export every grade, each part's score and the manual-grade flag to grades.csv
	$(NBGRADER) export --to grades.csv

formgrader: $(STAMP)  ## Instructors: JupyterLab on the course folder; open Nbgrader > Formgrader
	$(NBGRADER_ENV) $(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) $(LAB_FLAGS)

benchmark: $(STAMP) convnetjs  ## Time conv/pooling against torch, LeNet-5 training, the assignments, stock against sealed grading, the in-browser convnet against ConvNetJS
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python benchmarks/conv.py
	$(BIN)/python benchmarks/train.py
	$(BIN)/python benchmarks/assignments.py
	$(BIN)/python benchmarks/grading.py
	$(BIN)/python benchmarks/convnet_js.py

clean:  ## Remove build outputs (keeps .venv)
	rm -rf _build .pytest_cache
