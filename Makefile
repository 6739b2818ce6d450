# Run `make help` for the list of targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# `make test TORCH=2.14.1` runs the suite against another torch release, in its own venv, where
# that release is installed over the pinned one.
TORCH ?=
VENV := $(if $(TORCH),.venv-torch-$(TORCH),.venv)
PYTHON := $(VENV)/bin/python
PIP_FLAGS := --quiet --disable-pip-version-check
export NO_MKDOCS_2_WARNING := 1

.PHONY: help setup serve build test doctest screenshots update-outputs lint bench lock clean

help: ## List the targets, each with a one-line description
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

setup: $(VENV)/.installed node_modules/.installed ## Create .venv and install the pinned Python and npm packages (only when their lock changed)

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PYTHON) || python3.11 -m venv $(VENV)
	$(PYTHON) -m pip install $(PIP_FLAGS) -c requirements.lock -e ".[dev]"
	$(if $(TORCH),$(PYTHON) -m pip install $(PIP_FLAGS) "torch==$(TORCH)")
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --omit=dev --no-audit --no-fund --loglevel=error
	touch $@

serve: setup ## Serve the site with live reload at http://127.0.0.1:8000
	SITE_URL=http://127.0.0.1:8000/ $(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:8000

build: setup ## Build the site into site/ (strict: any warning fails)
	$(VENV)/bin/mkdocs build --strict

test: setup ## Run every test: the pages' doctests, the machinery's tests, the strict site build
	$(PYTHON) -m pytest --numprocesses=auto

doctest: setup ## Run only the doctests of the pages (seconds)
	$(PYTHON) -m pytest docs

screenshots: setup ## Save every page in Chromium, light and dark, to build/screenshots/ (to look at)
	$(PYTHON) -m pytest tests/test_browser.py -k test_page_reads_correctly --screenshots build/screenshots --numprocesses=auto

update-outputs: setup ## Rewrite stale output blocks on the pages from real runs (review with git diff)
	$(PYTHON) -m pytest docs --update-outputs --quiet

lint: $(VENV)/.installed ## Run the pre-commit checks on every file (ruff, codespell, nbstripout, YAML, whitespace)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/pre-commit run --all-files --show-diff-on-failure

bench: setup ## Time doctests, builds, reload and page loads (Lighthouse) against their floors
	npm install --no-save --no-audit --no-fund --loglevel=error  # adds lighthouse (a devDependency); leaves the lock file untouched
	$(PYTHON) tools/bench.py

lock: ## Re-pin requirements.lock from the current .venv after changing pyproject.toml
	(echo "# Exact versions of every Python package, for reproducible installs: make lock regenerates it."; \
	 $(PYTHON) -m pip freeze --exclude-editable) > requirements.lock

clean: ## Remove the built site and caches (keeps .venv and node_modules)
	rm -rf site .pytest_cache .cache
