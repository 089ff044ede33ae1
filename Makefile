# The two set-up commands of the README:
#   make release   install cubakg in .venv, build dist/, print what it holds
#   make test      install the test dependencies and run the tests
#   make docs      remake docs/cli.md from the commands' --help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: release test bench bench-build bench-draft bench-load bench-site bench-queries docs install install-test clean-venv

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

docs: install
	$(BIN)/python -m cubakg.cli.reference > docs/cli.md

bench: install-test
	$(BIN)/python bench/run.py
	$(BIN)/python -m pytest -q -m slow

# `cubakg build` of corpora of 10, 100 and 1,000 articles beside the pyoxigraph floor (README, Performance).
bench-build: install-test
	$(BIN)/python bench/build.py 10 100 1000

# Saved queries at 10, 100 and 1,000 articles: the release's store beside --data (docs/querying.md).
bench-queries: install-test
	$(BIN)/python bench/queries.py 10 100 1000

# `cubakg draft` on each seed article, scored against its curated sheet (docs/drafting.md).
bench-draft: install-test
	$(BIN)/python bench/draft.py

# `cubakg load` of a 1,000-article corpus into Oxigraph and Virtuoso, beside their own bulk loaders.
bench-load: install-test
	$(BIN)/python bench/load.py

clean-venv:
	rm -rf $(VENV)

bench-site: install-test
	$(BIN)/python bench/site.py 10 100 1000 --repeat 3
