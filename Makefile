# demogen developer commands. Each target installs what it needs first, once:
# `make demo` only what the CLI needs (`pip install -e .`); `make test`, `make lint` and
# `make bench` also the dev extras (`pip install -e '.[dev]'`: pytest, ruff, hypothesis, the
# ThinkingData SDK, dask, playwright). Either order works, in a fresh clone too.
PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-stamp
DEV     := $(VENV)/.dev-stamp

.PHONY: install install-dev demo test lint bench clean

install: $(RUNTIME)

install-dev: $(DEV)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

# The dev extras include the runtime, so this stamp vouches for both.
$(DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(RUNTIME) $@

demo: $(RUNTIME)
	$(BIN)/demogen analyze examples/game -o out/game-rules.yaml
	$(BIN)/demogen generate examples/game -o out/game --users 3000 --days 14 --overwrite
	$(BIN)/demogen report out/game -o out/game-report.html --json out/game-kpis.json
	@echo "Demo data:   $(CURDIR)/out/game (rules: $(CURDIR)/out/game-rules.yaml)"
	@echo "Demo report: $(CURDIR)/out/game-report.html"

test: $(DEV)
	$(BIN)/python -m pytest -q

lint: $(DEV)
	$(BIN)/ruff check src tests

# Throughput, floor ratio, memory and worker scaling (docs/performance.md). The default sizes
# take about an hour on 2 cores; `make bench BENCH_ARGS=--quick` takes a few minutes.
bench: $(DEV)
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

clean:
	rm -rf out .pytest_cache
