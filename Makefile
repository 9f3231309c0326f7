# Two commands do everything on a fresh clone:
#   make demo   set up, then build a sample class and grade it end to end
#   make test   set up, then run the whole test suite (what CI runs)
PY := .venv/bin/python
SHELL := /bin/bash

.PHONY: setup demo test quick release leakcheck bench

setup: .venv/.installed

.venv/.installed: requirements.txt pyproject.toml scripts/setup-system.sh
	bash scripts/setup-system.sh
	python3.11 -m venv .venv || python3 -m venv .venv
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

demo: setup
	$(PY) -m autograder demo --dir course-demo

test: setup
	$(PY) -m pytest -q

quick: setup
	$(PY) -m pytest -q -m "not slow"

release: setup
	$(PY) -m autograder messages
	$(PY) -m autograder release --language en
	$(PY) -m autograder release --language ko

leakcheck:
	python3 ../shared/hooks/leakcheck.py

bench: setup
	$(PY) scripts/benchmark.py
