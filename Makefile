# Doctors and managers study: the analysis pipeline.
# `make all` runs every notebook on the demonstration data; `make test` runs every test.
# Run `make` (or `make help`) for the list of targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DATA   ?= data/raw/demo
PARAMS ?= params.yaml
BUILD  := build
ENV_STAMP := $(VENV)/.installed
# Test workers for the fast tier (pytest-xdist): one per core this process may use.
CORES  := $(shell nproc 2>/dev/null || echo 1)
NOTEBOOK_SETUP := $(VENV)/.notebook-setup
JUPYTER_CONF   := $(VENV)/etc/jupyter/jupyter_server_config.json

# The input folder is part of every stage's inputs: changing DATA reruns everything. The runner
# writes build/data_dir.txt only when a release completes.
DATA_STAMP := $(BUILD)/data_dir.txt
ifneq ($(shell cat $(DATA_STAMP) 2>/dev/null),$(abspath $(DATA)))
DATA_CHANGED := FORCE
endif
# So is the parameters file: PARAMS=another file reruns everything, even when it is older.
ifneq ($(shell cat $(BUILD)/params_file.txt 2>/dev/null),$(abspath $(PARAMS)))
DATA_CHANGED := FORCE
endif
HELPERS_SRC := $(shell find src/helpers -type f \( -name '*.py' -o -name '*.yaml' -o -name '*.csv' -o -name '*.tpl' \) 2>/dev/null)
REFERENCE   := $(shell find data/reference -type f 2>/dev/null)
# Every file of one strand's input folder (file names must not contain spaces).
inputs = $(shell find $(DATA)/$(1) -type f 2>/dev/null)

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
# Staleness by content (decisions 2): a stage depends on build/canonical/<stage>.sha256, the hash
# of its notebook's canonical form (helpers.notebooks), rewritten when make reads this file and
# only when that content changes. Saving or running a notebook in JupyterLab reruns nothing.
CANONICAL := $(BUILD)/canonical
_ := $(shell python3 -P src/helpers/notebooks.py stamps $(CANONICAL) $(NOTEBOOKS))
# One stamp per stage: make decides what is stale; a stale stage's rule only removes its stamp.
STAMPS    := $(patsubst notebooks/%.ipynb,$(BUILD)/stamps/%,$(NOTEBOOKS))
stamp      = $(BUILD)/stamps/$(1)
RELEASED  := $(BUILD)/release.done
# The runner (helpers.pipeline): every stale stage in one process, deck and index, audit, one publish.
RUNNER    := $(BIN)/python -m helpers.pipeline release --data $(DATA) --params $(PARAMS)
# The seminar deck and the index page, built after every notebook (see docs/findings.md).
SLIDES := reports/05_findings_slides.html
INDEX  := reports/index.html
REVEAL_WHEEL := $(BUILD)/vendor/sphinx_revealjs-3.2.1-py3-none-any.whl

.PHONY: help all env test test-all lab lint clean strip demo check audit codebook deposit literature survey attitudes focus_groups findings FORCE

help: ## Show this list of targets
	@awk 'BEGIN {FS = ":.*## "}; /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  Variables: DATA=<input folder> (default $(DATA)), PARAMS=<params file> (default $(PARAMS))"

env: $(ENV_STAMP) $(NOTEBOOK_SETUP) ## Create .venv and install the pinned dependencies (done once, reused after)

$(ENV_STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# Notebook hygiene for JupyterLab (docs/jupyterlab.md): the git clean filter that stores the
# notebooks in canonical form (.gitattributes names it), and the .venv's jupyter_server setting
# that saves them normalised, so that an open-and-save leaves the file and git status unchanged.
$(NOTEBOOK_SETUP): $(ENV_STAMP) Makefile
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git config filter.notebook.clean 'f=src/helpers/notebooks.py; if [ -f "$$f" ]; then python3 -P "$$f" clean; else cat; fi' && \
	  git config filter.notebook.smudge cat && \
	  echo "git filter 'notebook' installed: notebooks are committed in canonical form"; fi
	@mkdir -p $(dir $(JUPYTER_CONF))
	@echo '{"ContentsManager": {"pre_save_hook": "helpers.notebooks.pre_save_hook"}}' > $(JUPYTER_CONF)
	@touch $@

all: $(RELEASED) ## Run the whole pipeline on DATA and write every report (incremental)

# A stage is stale when its notebook, the helpers, the parameters, the environment, the data
# folder or its strand's inputs changed since its stamp. Its rule only removes the stamp; the
# release rule below hands make's list of stale stamps ($?) to the runner in one call, which
# adds the stages downstream, runs them (independent ones side by side), builds the deck and
# index, audits the whole staged release and publishes it once (docs/pipeline.md).
$(BUILD)/stamps/%: $(CANONICAL)/%.sha256 $(HELPERS_SRC) $(PARAMS) $(ENV_STAMP) $(DATA_CHANGED)
	@rm -f $@

# What each stage reads besides its notebook, the helpers and the parameters.
$(call stamp,01_literature_review): $(call inputs,literature)
$(call stamp,02_survey_cleaning): $(call inputs,survey)
$(call stamp,03_attitude_analysis): $(call stamp,02_survey_cleaning) $(call inputs,survey) $(REFERENCE)
$(call stamp,04_focus_group_themes): $(call inputs,focus_groups)
$(call stamp,05_findings): $(filter-out $(call stamp,05_findings),$(STAMPS)) $(call inputs,findings)

$(RELEASED): $(STAMPS) $(REVEAL_WHEEL)
	@$(RUNNER) $?
	@touch $@

# reveal.js for the offline deck: the PyPI wheel of sphinx-revealjs vendors it (SHA-256 checked
# by helpers.slides before use); nothing is fetched from a CDN.
$(REVEAL_WHEEL): | $(ENV_STAMP)
	$(BIN)/python -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: sphinx-revealjs==3.2.1 -d $(BUILD)/vendor

# One stage (and its stale upstream stages), published as a release of its own.
STAGE_RUN = @$(RUNNER) --only $(filter $(BUILD)/stamps/%,$^)
literature: $(call stamp,01_literature_review) ## Stage 01: literature review log and PRISMA flow
	$(STAGE_RUN)
survey: $(call stamp,02_survey_cleaning) ## Stage 02: survey export to clean dataset
	$(STAGE_RUN)
attitudes: $(call stamp,03_attitude_analysis) ## Stage 03: attitude analysis by role and against 2002
	$(STAGE_RUN)
focus_groups: $(call stamp,04_focus_group_themes) ## Stage 04: interview and focus-group themes
	$(STAGE_RUN)
findings: $(call stamp,05_findings) $(REVEAL_WHEEL) ## Stage 05: findings across strands, the seminar deck and the index page
	$(STAGE_RUN)

demo: $(ENV_STAMP) ## Regenerate the synthetic demonstration data in data/raw/demo (seeded)
	$(BIN)/python -m helpers.demo data/raw/demo

# PYTHONDONTWRITEBYTECODE emptied for the fast tier: where the environment sets it (containers often
# do), each of its 2 workers recompiled every module and pytest rewrote every test file on every run
# (about 3 s of CPU per worker; bytecode goes to the git-ignored __pycache__ folders).
test: $(ENV_STAMP) $(NOTEBOOK_SETUP) $(REVEAL_WHEEL) ## The fast tier (under 90 s): unit tests, generated instruments in-process, one end-to-end run (docs/testing.md)
	PYTHONDONTWRITEBYTECODE= TEST_TIER=fast $(BIN)/python -m pytest -p no:cacheprovider -p no:nbval -m "not slow" -n $(CORES) --dist loadfile

test-all: $(ENV_STAMP) $(NOTEBOOK_SETUP) $(REVEAL_WHEEL) ## Every test: the fast tier, the slow tier (end-to-end on generated instruments, browsers, concurrency) and the notebooks (nbval)
	$(BIN)/python -m pytest --nbval-lax -p no:cacheprovider

audit: $(ENV_STAMP) ## Intruder audit of the published reports/ (issue 13, docs/disclosure.md); writes reports/output_check.html and .json
	$(BIN)/python -m helpers.audit reports --params $(PARAMS) --record

check: $(ENV_STAMP) ## Validate an input folder (DATA=...) and list every problem, without running the analysis
	@$(BIN)/python -m helpers.release --what "make check" -- helpers.check $(DATA) --params $(PARAMS)

codebook: $(ENV_STAMP) ## Draft a codebook from a .qsf, SPSS/Stata, JISC, SurveyMonkey or CSV/XLSX export (DATA=file or folder; OUT=build/codebook_draft.yaml)
	$(BIN)/python -m helpers.survey.codebook_draft $(DATA) --out $(or $(OUT),$(BUILD)/codebook_draft.yaml)

deposit: $(ENV_STAMP) ## A deposit copy of the clean survey data for an archive (after make survey): written to build/deposit only if k-anonymous (params deposit:)
	$(BIN)/python -m helpers.survey.deposit $(DATA) --params $(PARAMS)

# bench/ is a folder, so the target must be phony. Runs in a scratch copy; see docs/benchmarks.md.
.PHONY: bench
bench: $(ENV_STAMP) ## Benchmark: pipeline overhead, no-op and one-strand reruns, survey at 1.5M rows, make test
	$(BIN)/python bench/run_benchmarks.py

# Root (containers, cloud notebook services) needs --allow-root. LAB_ARGS adds options (e.g. --no-browser --port=8899).
LAB_ARGS ?=
lab: $(ENV_STAMP) $(NOTEBOOK_SETUP) ## Open JupyterLab at notebooks/ on the project's kernel (works as root too)
	@echo "Notebook sources: notebooks/ (interactive runs write to build/interactive/; see docs/jupyterlab.md)"
	@echo "Executed notebooks with outputs, as published by the last make all: reports/notebooks/ (linked from reports/index.html)"
	$(BIN)/jupyter lab --ServerApp.root_dir=. --ServerApp.default_url=/lab/tree/notebooks $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# The tidy-code habits CI enforces (also in .pre-commit-config.yaml for those who use pre-commit).
NOTEBOOK_FILES = $(shell find notebooks -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' 2>/dev/null | sort)
lint: $(ENV_STAMP) ## ruff check and ruff format --check (src, tests, bench); notebook sources in canonical form
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	python3 -P src/helpers/notebooks.py check $(NOTEBOOK_FILES)

strip: ## Put the notebook sources in canonical form (no outputs, no editor metadata), as git's filter does
	python3 -P src/helpers/notebooks.py strip $(NOTEBOOK_FILES)

clean: ## Remove build outputs (build/, data/processed, reports); never touches data/raw
	rm -rf $(BUILD)
	find data/processed reports -mindepth 1 ! -name README.md -delete 2>/dev/null || true
