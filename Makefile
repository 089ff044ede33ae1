# The two set-up commands of the README:
#   make release   install cubakg in .venv, build dist/, print what it holds
#   make test      install the test dependencies and run the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: release test bench install install-test clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'

release: install
	$(BIN)/cubakg build

test: install-test
	$(BIN)/python -m pytest

bench: install-test
	$(BIN)/python bench/run.py
	$(BIN)/python -m pytest -q -m slow

clean-venv:
	rm -rf $(VENV)
