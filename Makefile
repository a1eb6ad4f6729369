# kgbp: `make serve` runs the server on the embedded store with the examples loaded;
# `make test` runs everything CI runs. Both install what they need from nothing.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STORE   ?= kgbp-data

.PHONY: serve test check lint types unit system-deps install clean bench

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

kgbp/web/static/vendor/yasgui/VERSION: scripts/vendor-yasgui.sh
	bash scripts/vendor-yasgui.sh

kgbp/web/static/vendor/docs.VERSION: scripts/vendor-docs.sh
	bash scripts/vendor-docs.sh

install: $(VENV)/.installed kgbp/web/static/vendor/yasgui/VERSION kgbp/web/static/vendor/docs.VERSION

# Debian packages the tests need (Java for the HermiT reasoner).
system-deps:
	@bash scripts/system-deps.sh

serve: install
	$(BIN)/kgbp init --store $(STORE)
	@$(BIN)/python scripts/first-token.py $(STORE)
	$(BIN)/kgbp serve --store $(STORE) --examples

lint: install
	$(BIN)/ruff check kgbp tests bench scripts
	$(BIN)/lint-imports
	$(BIN)/vulture

types: install
	$(BIN)/mypy

# The suites run on every core (pytest-xdist): a test file per worker at a time, so a file's
# module fixtures (a server, a loaded store) start once. `make test PYTEST_N=0` runs in one process.
PYTEST_N ?= auto
PYTEST_PAR := -n $(PYTEST_N) --dist loadfile

# Quick inner loop: no slow suites.
check: install lint types
	$(BIN)/pytest -q -m "not slow" -x $(PYTEST_PAR)

test: install system-deps lint types
	$(BIN)/pytest -q $(PYTEST_PAR)

# Not part of `make test`: writes docs/benchmarks.md (scale: 100, 1,000 and 10,000 blueprints on
# kgbp embedded, kgbp on Virtuoso, the Oxigraph server and rdflib; validation; writes; load; the blueprint page;
# named queries asked at once).
bench: install
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@bash scripts/virtuoso.sh install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/bench_validate.py
	$(BIN)/python bench/bench_write.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/page.py --sizes 1000,10000 --sample 10
	$(BIN)/python bench/at_once.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
