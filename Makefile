# The two commands of the README are `make run` and `make test`; `make help` lists the rest.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
HOST   ?= 127.0.0.1:8000

.DEFAULT_GOAL := help
.PHONY: help install run migrate demo test lint format check-migrations check-deploy messages openapi lock clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-18s %s\n", $$1, $$2}'

$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (found %s); set PYTHON=python3.11" % sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $(STAMP)

# One .venv serves `make run` and `make test`, so it gets both locks; production installs
# requirements.lock alone (README, "Running in production").
install: $(STAMP) ## Create .venv and install the locked dependencies (runtime + test tools)

migrate: install ## Apply database migrations (creates the data folder on first run)
	$(MANAGE) migrate --noinput

demo: migrate ## Load the demo personas, segments and users (idempotent)
	$(MANAGE) load_demo

# The background worker (webhooks, search indexing, scheduled publishing) runs next to the web
# server and stops with it: Ctrl-C reaches both; the EXIT trap also stops the worker when the
# server ends some other way, and waits for it to finish its current task.
run: demo ## Set up everything and serve the admin at http://127.0.0.1:8000/admin/ (+ the worker)
	@$(MANAGE) worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	trap 'exit 130' INT TERM; \
	$(MANAGE) runserver $(HOST)

lint: install ## ruff check + format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install ## Reformat the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-migrations: install ## Fail when a model change has no migration
	$(MANAGE) makemigrations --check --dry-run

check-deploy: install ## Django's deployment checklist against the production settings
	DJANGO_SETTINGS_MODULE=site_config.settings.production SECRET_KEY=check-deploy-only-$$(date +%s)-not-a-real-key-0123456789abcdefghijklmnop \
	ALLOWED_HOSTS=cms.example.com $(MANAGE) check --deploy --fail-level WARNING

test: install lint check-migrations check-deploy ## Run the whole suite, browser tests included (see `make browser`)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

.PHONY: browser
browser: ## Install Chromium and the CJK/emoji fonts the browser tests need (Debian, as root)
	bash .ci/ensure-browser

messages: install ## Extract and compile the zh-hans translations (needs GNU gettext)
	$(MANAGE) makemessages -l zh_Hans --ignore=.venv --ignore=data --ignore=tests --ignore=locale_wagtail --no-obsolete
	$(MANAGE) compilemessages -l zh_Hans --ignore=.venv

openapi: install ## Rewrite the committed OpenAPI snapshot (tests/api/openapi.snapshot.json) after an intended API change
	DJANGO_SETTINGS_MODULE=site_config.settings.test $(BIN)/python -c 'import django; django.setup(); \
	from tests.api.test_openapi_snapshot import SNAPSHOT, current_document, render; \
	SNAPSHOT.write_text(render(current_document()), encoding="utf-8"); print("wrote", SNAPSHOT)'

lock: ## Re-resolve requirements.lock (runtime) and requirements-dev.lock (tools) from pyproject.toml
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join(p["dependencies"]))' > .lockenv/runtime.txt
	.lockenv/bin/python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join(p["optional-dependencies"]["dev"]))' > .lockenv/dev.txt
	.lockenv/bin/pip install --quiet --disable-pip-version-check -r .lockenv/runtime.txt
	( echo "# What the product needs to run (production installs only this). \`make lock\` regenerates it."; \
	  .lockenv/bin/pip freeze --exclude pip --exclude setuptools ) > requirements.lock
	.lockenv/bin/pip install --quiet --disable-pip-version-check -r .lockenv/dev.txt
	( echo "# Test, lint and browser-test tools, on top of requirements.lock. \`make lock\` regenerates it."; \
	  echo "-r requirements.lock"; \
	  .lockenv/bin/pip freeze --exclude pip --exclude setuptools | grep -vxFf requirements.lock ) > requirements-dev.lock
	rm -rf .lockenv

clean: ## Remove the virtualenv (the data folder is kept)
	rm -rf $(VENV)
