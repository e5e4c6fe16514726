# The two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run test lint format bench-ledger clean

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# The local server: SQLite under var/ (unless DATABASE_URL says otherwise), demo data, the web
# server and the django-q2 worker together. Ctrl-C stops both.
run: export DEBUG ?= true
run: $(STAMP)
	@mkdir -p var
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py setup_schedules
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  Time credits is running at http://$(HOST):$(PORT)/  (API docs: /api/v1/docs)"
	@echo "  Press Ctrl-C to stop the web server and the worker."
	@echo ""
	@$(BIN)/python manage.py run_local $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
