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

# The input folder is part of every stage's inputs: changing DATA reruns everything.
DATA_STAMP := $(BUILD)/data_dir.txt
HELPERS_SRC := $(shell find src/helpers -type f \( -name '*.py' -o -name '*.yaml' -o -name '*.csv' -o -name '*.tpl' \) 2>/dev/null)
REFERENCE   := $(shell find data/reference -type f 2>/dev/null)
# Every file of one strand's input folder (file names must not contain spaces).
inputs = $(shell find $(DATA)/$(1) -type f 2>/dev/null)

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
EXECUTED  := $(patsubst notebooks/%.ipynb,$(BUILD)/executed/%.ipynb,$(NOTEBOOKS))
RUN_STAGE := $(BIN)/python -m helpers.pipeline run
# The seminar deck and the index page, built after every notebook (see docs/findings.md).
SLIDES := reports/05_findings_slides.html
INDEX  := reports/index.html
REVEAL_WHEEL := $(BUILD)/vendor/sphinx_revealjs-3.2.1-py3-none-any.whl

.PHONY: help all env test test-all lab clean strip demo check literature survey attitudes focus_groups findings FORCE

help: ## Show this list of targets
	@awk 'BEGIN {FS = ":.*## "}; /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  Variables: DATA=<input folder> (default $(DATA)), PARAMS=<params file> (default $(PARAMS))"

env: $(ENV_STAMP) ## Create .venv and install the pinned dependencies (done once, reused after)

$(ENV_STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

all: $(EXECUTED) $(SLIDES) $(INDEX) ## Run the whole pipeline on DATA and write every report (incremental)

$(DATA_STAMP): FORCE
	@mkdir -p $(BUILD)
	@echo "$(abspath $(DATA))" | cmp -s - $@ || echo "$(abspath $(DATA))" > $@

$(BUILD)/executed/%.ipynb: notebooks/%.ipynb $(HELPERS_SRC) $(PARAMS) $(DATA_STAMP) $(ENV_STAMP)
	$(RUN_STAGE) $< --data $(DATA) --params $(PARAMS)

# What each stage reads besides its notebook, the helpers and the parameters.
$(BUILD)/executed/01_literature_review.ipynb: $(call inputs,literature)
$(BUILD)/executed/02_survey_cleaning.ipynb: $(call inputs,survey)
$(BUILD)/executed/03_attitude_analysis.ipynb: $(BUILD)/executed/02_survey_cleaning.ipynb $(call inputs,survey) $(REFERENCE)
$(BUILD)/executed/04_focus_group_themes.ipynb: $(call inputs,focus_groups)
$(BUILD)/executed/05_findings.ipynb: $(filter-out $(BUILD)/executed/05_findings.ipynb,$(EXECUTED)) $(call inputs,findings)

# reveal.js for the offline deck: the PyPI wheel of sphinx-revealjs vendors it (SHA-256 checked
# by helpers.slides before use); nothing is fetched from a CDN.
$(REVEAL_WHEEL): | $(ENV_STAMP)
	$(BIN)/python -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: sphinx-revealjs==3.2.1 -d $(BUILD)/vendor

$(SLIDES): $(BUILD)/executed/05_findings.ipynb $(REVEAL_WHEEL) $(HELPERS_SRC)
	$(BIN)/python -m helpers.slides $< $@

# One page linking every report, figure and table, with every stage's provenance.
$(INDEX): $(EXECUTED) $(SLIDES) $(HELPERS_SRC)
	$(BIN)/python -m helpers.report_index

literature: $(BUILD)/executed/01_literature_review.ipynb ## Stage 01: literature review log and PRISMA flow
survey: $(BUILD)/executed/02_survey_cleaning.ipynb ## Stage 02: survey export to clean dataset
attitudes: $(BUILD)/executed/03_attitude_analysis.ipynb ## Stage 03: attitude analysis by role and against 2002
focus_groups: $(BUILD)/executed/04_focus_group_themes.ipynb ## Stage 04: interview and focus-group themes
findings: $(BUILD)/executed/05_findings.ipynb $(SLIDES) $(INDEX) ## Stage 05: findings across strands, the seminar deck and the index page

demo: $(ENV_STAMP) ## Regenerate the synthetic demonstration data in data/raw/demo (seeded)
	$(BIN)/python -m helpers.demo data/raw/demo

test: $(ENV_STAMP) $(REVEAL_WHEEL) ## The fast tier: unit tests, generated instruments in-process, one end-to-end run, the notebooks (nbval)
	$(BIN)/python -m pytest --nbval-lax -p no:cacheprovider -m "not slow"

test-all: $(ENV_STAMP) $(REVEAL_WHEEL) ## Every test: the fast tier plus the slow tier (end-to-end on generated instruments, browsers, concurrency)
	$(BIN)/python -m pytest --nbval-lax -p no:cacheprovider

check: $(ENV_STAMP) ## Validate an input folder (DATA=...) and list every problem, without running the analysis
	$(BIN)/python -m helpers.check $(DATA) --params $(PARAMS)

# bench/ is a folder, so the target must be phony. Runs in a scratch copy; see docs/benchmarks.md.
.PHONY: bench
bench: $(ENV_STAMP) ## Benchmark: pipeline overhead, no-op and one-strand reruns, survey at 1.5M rows, make test
	$(BIN)/python bench/run_benchmarks.py

lab: $(ENV_STAMP) ## Open JupyterLab with the project's environment (helpers importable)
	$(BIN)/jupyter lab --notebook-dir=.

strip: $(ENV_STAMP) ## Remove outputs from the notebook sources before committing
	$(BIN)/python -m helpers.pipeline strip notebooks/*.ipynb

clean: ## Remove build outputs (build/, data/processed, reports); never touches data/raw
	rm -rf $(BUILD)
	find data/processed reports -mindepth 1 ! -name README.md -delete 2>/dev/null || true
