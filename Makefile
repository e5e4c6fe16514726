# The two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run test lint format messages bench-ledger bench-checkin bench-reports clean icons screens assets

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
	$(BIN)/lint-imports

# The ledger's posting rate against pgbench on PostgreSQL; see "Benchmarks" in README.md. It
# recreates (and afterwards drops) the database DATABASE_URL names, which must start with
# timecredits_bench. BENCH_ARGS=--quick for a 3-second smoke run.
BENCH_DATABASE_URL := postgres://postgres@127.0.0.1:5432/timecredits_bench
PGBENCH ?= $(firstword $(shell command -v pgbench 2>/dev/null) \
	$(wildcard $(shell pg_config --bindir 2>/dev/null)/pgbench) \
	$(wildcard /usr/lib/postgresql/*/bin/pgbench))

bench-ledger: $(STAMP)
	@test -n "$(PGBENCH)" || { echo "pgbench not found: apt-get install postgresql-contrib," \
		"or PGBENCH=/path/to/pgbench make bench-ledger" >&2; exit 1; }
	DATABASE_URL="$${DATABASE_URL:-$(BENCH_DATABASE_URL)}" \
	DJANGO_SETTINGS_MODULE=timecredits.settings.test DEBUG=false \
	$(BIN)/python manage.py ledger_bench --pgbench "$(PGBENCH)" $(BENCH_ARGS)

# A burst of 2,000 QR check-ins through the HTTP API on a real server (gunicorn, PostgreSQL,
# Redis), against GET /api/v1/me on the same server; see "Benchmarks" in README.md. Like
# bench-ledger it recreates and drops its own database, whose name must start with
# timecredits_bench. BENCH_ARGS=--quick for a 300-member smoke run.
BENCH_CHECKIN_DATABASE_URL := postgres://postgres@127.0.0.1:5432/timecredits_bench_checkin

bench-checkin: $(STAMP)
	DATABASE_URL="$${DATABASE_URL:-$(BENCH_CHECKIN_DATABASE_URL)}" \
	DJANGO_SETTINGS_MODULE=timecredits.settings.test DEBUG=false \
	$(BIN)/python manage.py checkin_bench $(BENCH_ARGS)

# The programme dashboard's figures for a year on 100,000 members, 2 million contributions and 5
# million transfers, against one hand-written SQL aggregate; see "Benchmarks" in README.md. Like
# the others it recreates and drops its own database, whose name must start with
# timecredits_bench, and it loads the ledger as a superuser. BENCH_ARGS=--quick for a
# fiftieth of the size.
BENCH_REPORTS_DATABASE_URL := postgres://postgres@127.0.0.1:5432/timecredits_bench_reports

bench-reports: $(STAMP)
	DATABASE_URL="$${DATABASE_URL:-$(BENCH_REPORTS_DATABASE_URL)}" \
	DJANGO_SETTINGS_MODULE=timecredits.settings.test DEBUG=false \
	$(BIN)/python manage.py reports_bench $(BENCH_ARGS)

# The Welsh catalogue (timecredits/locale/cy/): makemessages, then each message still untranslated
# takes its Welsh from the PO files named in PO_FILES (translators' work, in order; the first
# translation found wins), then the .mo is compiled. Both files are committed, so `make run` needs
# no gettext tools; this needs GNU gettext (apt-get install gettext). tests/i18n checks the result.
PO_FILES ?=
messages: $(STAMP)
	$(BIN)/python timecredits/locale/assemble.py $(PO_FILES)

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis

# The app's icon (SVG, the manifest's PNGs, the favicon), drawn by timecredits/pwa/icons.py into
# timecredits/static/icons/. The files are committed; run this only after changing the drawing.
icons: $(STAMP)
	$(BIN)/python -m timecredits.pwa.icons

# A phone-size screenshot of every page each demo role reaches, in var/screens/ (Debian's
# Chromium, on a seeded database of its own); SCREENS_ARGS=--readme also refreshes the three
# the README shows, in tests/browser/readme/.
screens: $(STAMP)
	$(BIN)/python -m tests.browser.screens $(SCREENS_ARGS)

# Vendored browser libraries (timecredits/assets/package.json, pinned by its lock file): npm
# installs them and the copies are committed, so `make run` and `make test` need no npm:
# qr-scanner for the pages (timecredits/assets/vendor-qr-scanner.mjs copies it into
# timecredits/static/vendor/) and axe-core for the browser tests (tests/browser/vendor/).
assets:
	npm ci --prefix timecredits/assets --no-audit --no-fund --ignore-scripts
	node timecredits/assets/vendor-qr-scanner.mjs
	cp timecredits/assets/node_modules/axe-core/axe.min.js tests/browser/vendor/axe.min.js
	cp timecredits/assets/node_modules/axe-core/LICENSE tests/browser/vendor/axe-core.LICENSE
