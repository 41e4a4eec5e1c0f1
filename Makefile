# The two commands in the README are the contract: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=cms.settings.test

.PHONY: run test lint format check messages bench backup restore clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: $(BIN)/python requirements.txt
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.test: $(VENV)/.runtime requirements-test.txt
	$(BIN)/pip install -q -r requirements-test.txt
	touch $@

## make run: set up, migrate, seed the demo and serve it at http://127.0.0.1:$(PORT)
run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --students 5
	PORT=$(PORT) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## make test: lint, Django's checks, migrations up to date, and the whole test suite
test: $(VENV)/.test lint check
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(VENV)/.runtime
	$(TEST_SETTINGS) $(BIN)/python manage.py check --fail-level WARNING
	$(TEST_SETTINGS) $(BIN)/python manage.py makemigrations --check --dry-run

## make messages: refresh the translation catalogues after changing interface strings
messages: $(VENV)/.runtime
	$(BIN)/python manage.py makemessages -l ja -l en --ignore ".venv/*" --ignore "tests/*" --ignore "bench/*" --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore ".venv/*"

bench: $(VENV)/.test
	$(BIN)/python bench/run.py

## make backup [BACKUP=DIR]: the database and every uploaded file into a new folder
## (default backups/<date-time>); on a server, load /etc/manabiba/env first (deploy/README.md)
backup: $(BIN)/python
	$(BIN)/python manage.py backup --to $(or $(BACKUP),backups/$(shell date +%Y%m%d-%H%M%S))

## make restore BACKUP=DIR [FORCE=1]: put a backup back into an empty database and media folder
restore: $(BIN)/python
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=path/to/backup [FORCE=1]"; exit 2; }
	$(BIN)/python manage.py restore --from "$(BACKUP)" $(if $(FORCE),--force)

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .test-media
