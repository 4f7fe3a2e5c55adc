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

# The lock files: exact versions with their hashes, so a fresh install is the tested install.
# test.txt (the `test` and `lint` extras) is what `make install` puts in .venv; base.txt is the
# production set. Both hold for every Python from 3.12 up (`--universal`), whichever one
# PYTHON above finds.
LOCK_TEST := requirements/test.txt
LOCK_BASE := requirements/base.txt
UV_COMPILE := $(VENV)/bin/uv pip compile pyproject.toml --quiet --generate-hashes --universal \
	--python-version 3.12 --custom-compile-command "make lock"
# Django templates, the project's and any an app ships.
TEMPLATE_DIRS = $(wildcard templates */templates)

.PHONY: help install run dev test lint format clean
.PHONY: lint-python lint-templates lint-django typecheck lock lock-check

help:
	@echo "make run       - install, migrate, load the demo content and serve http://127.0.0.1:$(PORT)"
	@echo "make test      - install and run the whole test suite"
	@echo "make dev       - like run, but with DEBUG on and Django's auto-reloading server"
	@echo "make lint      - ruff, ruff format, djLint, django-upgrade and mypy, checking only"
	@echo "make typecheck - mypy with django-stubs over the apps"
	@echo "make security  - bandit over the apps (part of make lint)"
	@echo "make format    - ruff format and ruff's safe fixes"
	@echo "make lock      - recompile requirements/*.txt after a change to pyproject.toml"
	@echo "make deploy-check - Django's deployment checklist with deploy/production.env.example (DEPLOY_ENV=...)"

# pip checks every hash of the lock (--require-hashes), then installs the project itself
# without letting it pull anything the lock did not name (--no-deps).
$(STAMP): pyproject.toml $(LOCK_TEST)
	@if [ ! -x "$(PY)" ]; then \
		if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is needed: install it (python.org, your package manager or pyenv) and run make again." >&2; exit 1; fi; \
		echo "Creating $(VENV) with $(PYTHON)"; \
		"$(PYTHON)" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK_TEST)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@$(PY) -m pip check --disable-pip-version-check >/dev/null || \
		echo "pyproject.toml asks for packages requirements/ lacks: run make lock and commit it." >&2
	@touch $(STAMP)

install: $(STAMP)

# A secret key of this machine's own, kept in var/ (git-ignored), unless the environment has one.
var/secret_key:
	@umask 077 && mkdir -p var
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

# Checks only, nothing rewritten; `make -k lint` runs every check even when one fails.
lint: lint-python lint-templates lint-django typecheck security

lint-python: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

lint-templates: install
	$(VENV)/bin/djlint --lint $(TEMPLATE_DIRS)

# Code written for a Django older than the one in pyproject.toml.
lint-django: install
	git ls-files -z '*.py' | xargs -0 $(VENV)/bin/django-upgrade --check --target-version 6.1

# django-stubs imports the settings, which refuse to load without a SECRET_KEY.
typecheck: install
	SECRET_KEY="$${SECRET_KEY:-insecure-key-for-type-checking}" $(VENV)/bin/mypy

# Issue 11, quality bars: bandit's security checks over the apps, clean. Its settings are
# [tool.bandit] in pyproject.toml; each exception is justified where it is (`# nosec BXXX # why`).
.PHONY: security
security: install
	$(VENV)/bin/bandit --quiet -r imroc_site news documents comments freshness wordpress -c pyproject.toml

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Refresh the lock files from pyproject.toml, keeping the pinned versions that still fit;
# `make lock UPGRADE=1` takes the newest releases the ranges allow.
lock: install
	$(UV_COMPILE) $(if $(UPGRADE),--upgrade) -o $(LOCK_BASE)
	$(UV_COMPILE) $(if $(UPGRADE),--upgrade) --extra test --extra lint -o $(LOCK_TEST)

# Fails when pyproject.toml changed without `make lock`: compiles copies of the lock files
# (keeping their pins) and compares them with the committed ones.
lock-check: install
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	cp $(LOCK_BASE) "$$tmp/base.txt" && cp $(LOCK_TEST) "$$tmp/test.txt" && \
	$(UV_COMPILE) -o "$$tmp/base.txt" && \
	$(UV_COMPILE) --extra test --extra lint -o "$$tmp/test.txt" && \
	diff -u $(LOCK_BASE) "$$tmp/base.txt" && diff -u $(LOCK_TEST) "$$tmp/test.txt" || \
	{ echo "requirements/ is out of date with pyproject.toml: run make lock and commit it." >&2; exit 1; }

# Django's deployment checklist and the site's own checks (imroc_site/checks.py) with a
# production environment: the shipped deploy/production.env.example, or your own file with
# `make deploy-check DEPLOY_ENV=/etc/imroc/production.env`. Any warning fails it. Only the
# file's variables count (plus PATH and HOME); a file that leaves SECRET_KEY empty is checked
# with a throw-away one.
DEPLOY_ENV ?= deploy/production.env.example
.PHONY: deploy-check
deploy-check: install
	@env -i PATH="$$PATH" HOME="$$HOME" bash -c 'set -a && . "$$1" && set +a && \
		export SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c "import secrets; print(secrets.token_urlsafe(50))")}" && \
		exec $(PY) manage.py check --deploy --fail-level WARNING' deploy-check "$(abspath $(DEPLOY_ENV))"

clean:
	rm -rf $(VENV) var/static
