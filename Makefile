# trawl: `make demo` and `make test` are all a fresh machine needs (Python 3.11 + package registries).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
VENV := .venv
UV := .uv/bin/uv
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup demo ui browser postgres test lint format typecheck clean

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	touch $@

setup: $(VENV)/.synced ## create .venv with the locked dependencies

demo: setup ## serve the offline demo sites and run the nightly job on them
	$(VENV)/bin/trawl demo

ui: setup ## local Prefect server + UI on 127.0.0.1:4200, deployments applied, a worker, the demo sites (Ctrl-C stops)
	$(VENV)/bin/trawl ui $(UI_FLAGS)

browser: ## Debian's chromium for the UI test (installed when missing; needs root and apt)
	@command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium)

postgres: ## Debian's PostgreSQL server binaries for the DuckLake tests (installed when missing; the tests start their own cluster)
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql)

test: setup browser postgres ## lint, type-check and run the whole test suite
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy transforms warehouse flows spiders
	$(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: setup
	$(VENV)/bin/mypy transforms warehouse flows spiders

clean:
	rm -rf $(VENV) .uv .pytest_cache .mypy_cache .ruff_cache
