# The Linkages Kit — one obvious verb each.  `make demo` and `make test` set up on their own.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
STAMP := $(VENV)/.installed
# nbgrader calls `alembic` by name, so the venv's bin/ must lead PATH.
export PATH := $(BIN):$(PATH)
# No matplotlib backend is set for everyone: learners' kernels (make lab), handouts and slides
# draw inline figures. Only the scripts that draw nothing for a person (tests, grading,
# benchmarks) use Agg, named on their own lines below.
AGG := MPLBACKEND=Agg
PORT ?= 8866

.PHONY: setup demo lab test data grade selfgrade slides handouts learner-kit bench clean help

help:
	@echo "make demo   - set up if needed, then serve the simulators in Voila (prints the URL)"
	@echo "make test   - set up if needed, then run every test"
	@echo "make lab    - open the learner modules in JupyterLab"
	@echo "make data   - regenerate datasets/ (byte-identical for the same seed)"
	@echo "make grade  - grade a cohort with nbgrader (see exercises/README.md)"
	@echo "make learner-kit - the learners' copy for a hub: no solutions, hidden checks or rubrics (exercises/HUB.md)"
	@echo "make bench  - run the benchmarks in benchmarks/"

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

demo: setup
	$(BIN)/linkages serve --port $(PORT)

lab: setup
	env -u MPLBACKEND $(BIN)/jupyter lab notebooks/ $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

test: setup
	$(AGG) $(BIN)/python -m pytest -n 2 --dist loadgroup

data: setup
	$(BIN)/linkages data --out datasets

grade: setup
	$(AGG) $(BIN)/linkages grade

selfgrade: setup
	$(BIN)/linkages selfgrade

slides: setup
	env -u MPLBACKEND $(BIN)/linkages slides

handouts: setup
	env -u MPLBACKEND $(BIN)/linkages handouts

# The learners' copy (modules, simulators, datasets, released exercises; no solutions, hidden
# checks, rubrics or trainer material), a git repository for nbgitpuller: see exercises/HUB.md.
LEARNER_KIT ?= build/learner-kit
learner-kit: setup
	$(AGG) $(BIN)/python -m linkages.grading.distribute $(LEARNER_KIT)

# Every benchmark runs and prints its numbers; the ones that miss a target are named at the end.
bench: setup
	@missed=""; for f in benchmarks/bench_*.py; do echo "== $$f"; $(AGG) $(BIN)/python $$f || missed="$$missed $$f"; done; \
	if [ -n "$$missed" ]; then echo "== missed a target or could not run:$$missed"; exit 1; fi

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info src/*.egg-info
