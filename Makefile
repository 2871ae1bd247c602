# The two commands of the README: `make run` and `make test`. Both bootstrap .venv themselves.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint eval ingest bench browser services loadtest clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@# byte-compile once: CPython 3.11 can fail compiling in two threads at once ("AST constructor recursion
	@# depth mismatch"), and the UI imports Gradio on a worker thread while the server starts
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib > /dev/null || true
	touch $(STAMP)

# serve builds the index itself when it is missing or stale (fingerprint of knowledge/)
run: $(STAMP)
	$(BIN)/chainqa serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check assistant retrieval eval tests
	$(BIN)/mypy

browser:
	@bash scripts/ensure_chromium.sh
	@bash scripts/ensure_axe.sh

# redis-server and PostgreSQL for the scale-out tests (the tests start them on loopback themselves)
services:
	@bash scripts/ensure_services.sh

eval: $(STAMP)
	$(BIN)/chainqa eval --dataset eval/datasets/chainqa.jsonl --output data/eval-report.json \
		--markdown data/eval-report.md --gate eval/baseline.json --min-accuracy 0.95

test: $(STAMP) lint browser services
	$(BIN)/python -m pytest -q
	$(MAKE) eval

ingest: $(STAMP)
	$(BIN)/chainqa ingest --rebuild

bench: $(STAMP)
	$(BIN)/chainqa bench

# two workers sharing a redis-server, 50 clients for 60 s (docs/RELIABILITY.md)
loadtest: $(STAMP) services
	$(BIN)/chainqa loadtest --clients 50 --duration 60 --output data/loadtest.json

clean:
	rm -rf data .pytest_cache
