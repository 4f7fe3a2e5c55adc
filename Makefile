# Two commands for a new user: `make run` and `make test`. Both are safe to run again.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

# The first Python 3.12+ on the PATH, else one of pyenv's installed versions.
PYTHON := $(shell \
	for p in python3.13 python3.12 python3 python; do \
		command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; exit 0; }; \
	done; \
	root=$$(pyenv root 2>/dev/null || echo "$$HOME/.pyenv"); \
	for p in $$(ls -d "$$root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
		$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit 0; }; \
	done)

.PHONY: help install run dev test lint format clean

help:
	@echo "make run   - install, migrate, load the demo content and serve http://127.0.0.1:$(PORT)"
	@echo "make test  - install and run the whole test suite"
	@echo "make dev   - like run, but with DEBUG on and Django's auto-reloading server"
	@echo "make lint  - ruff checks"

$(STAMP): pyproject.toml
	@if [ ! -x "$(PY)" ]; then \
		if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is needed: install it (python.org, your package manager or pyenv) and run make again." >&2; exit 1; fi; \
		echo "Creating $(VENV) with $(PYTHON)"; \
		"$(PYTHON)" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

# A secret key of this machine's own, kept in var/ (git-ignored), unless the environment has one.
var/secret_key:
	@mkdir -p var
	@umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

run: install var/secret_key
	@export SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" DEBUG=false PORT=$(PORT); \
	$(PY) manage.py migrate --no-input && \
	$(PY) manage.py collectstatic --no-input --verbosity 0 && \
	$(PY) manage.py load_demo_content --admin && \
	echo "Serving the site at http://127.0.0.1:$(PORT)/ (Ctrl+C stops it)" && \
	exec $(VENV)/bin/gunicorn imroc_site.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile -

dev: install
	@export DEBUG=true PORT=$(PORT); \
	$(PY) manage.py migrate --no-input && \
	$(PY) manage.py load_demo_content --admin && \
	exec $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(VENV)/bin/pytest

# Everything but the tests marked slow (browser, gunicorn, nginx, live-server load): CI runs all.
.PHONY: test-fast
test-fast: install
	$(VENV)/bin/pytest -m "not slow"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var/static
