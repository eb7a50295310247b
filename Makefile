# Baosong entry points: setup | run | test | lint | bench
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# make run SAMPLES=1 also seeds the sample content (seed_samples); the default demo has none.
SAMPLES ?= $(BAOSONG_SAMPLES)

.PHONY: setup system-packages venv assets run test lint bench clean

setup: system-packages venv assets

system-packages:
	@bash scripts/install_system_packages.sh

$(BIN)/uv:
	@command -v $(PY) >/dev/null || { echo "需要 Python 3.11（命令 $(PY)）。Debian/Ubuntu: apt-get install python3.11 python3.11-venv"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q uv==0.13.8

$(VENV)/.installed: requirements.lock $(BIN)/uv
	$(BIN)/uv pip install -q --python $(BIN)/python --require-hashes -r requirements.lock
	touch $@

venv: $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

baosong/core/static/vendor/.stamp: node_modules/.package-lock.json
	mkdir -p baosong/core/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js baosong/core/static/vendor/htmx.min.js
	cp node_modules/echarts/dist/echarts.min.js baosong/core/static/vendor/echarts.min.js
	touch $@

assets: baosong/core/static/vendor/.stamp

run: setup
	@HOST=$(HOST) PORT=$(PORT) BAOSONG_SAMPLES=$(SAMPLES) bash scripts/run_embedded.sh

test: setup
	BAOSONG_TESTING=1 $(BIN)/pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	BAOSONG_DEBUG=1 $(BIN)/mypy baosong config
	$(BIN)/djlint baosong --lint

bench: setup
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/bench_reports.py $(BENCH_REPORTS_ARGS)
	$(BIN)/python bench/bench_editorial.py

clean:
	rm -rf $(VENV) node_modules baosong/core/static/vendor var
