# Qantar: `make run` (set up and serve with the demo data) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
QANTAR := $(VENV)/bin/qantar
STAMP := $(VENV)/.installed-stamp
HTMX := src/qantar/static/vendor/htmx.min.js
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup install vendor messages lint typecheck bench clean

install: $(STAMP) $(HTMX)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(HTMX): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p $(dir $(HTMX))
	cp node_modules/htmx.org/dist/htmx.min.js $(HTMX)

messages: install
	$(QANTAR) i18n compile

setup: install messages
	$(QANTAR) setup --demo

run: setup
	$(QANTAR) serve --host $(HOST) --port $(PORT)

test: install messages
	$(VENV)/bin/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy

bench: install
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) node_modules $(dir $(HTMX))
