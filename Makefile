# demogen developer commands. `make demo` and `make test` install first when needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install demo test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/demogen analyze examples/game -o out/game-rules.yaml
	$(BIN)/demogen generate examples/game -o out/game --users 3000 --days 14 --overwrite
	$(BIN)/demogen report out/game -o out/game-report.html --json out/game-kpis.json
	@echo "Demo data:   $(CURDIR)/out/game (rules: $(CURDIR)/out/game-rules.yaml)"
	@echo "Demo report: $(CURDIR)/out/game-report.html"

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests

# Throughput, floor ratio, memory and worker scaling (docs/performance.md). The default sizes
# take about an hour on 2 cores; `make bench BENCH_ARGS=--quick` takes a few minutes.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

clean:
	rm -rf out .pytest_cache
