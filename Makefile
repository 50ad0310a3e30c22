# The README's commands. Each target creates the virtual environment when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format messages fixtures bench bench-cookies audit screenshots clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

messages: $(BIN)/.installed
	@if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
		$(PY) manage.py compilemessages -v0 --ignore '.venv' --ignore 'node_modules'; fi

run: $(BIN)/.installed messages
	$(PY) manage.py migrate -v0
	$(PY) manage.py load_initial_data --update
	@echo "The portal is at http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	@echo "The outbox worker runs beside it: enquiry e-mails are printed here."
	@# One command, two processes: Ctrl-C (or the server exiting) stops the worker too.
	$(PY) manage.py run_worker & worker=$$!; \
		trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
		$(PY) manage.py runserver $(HOST):$(PORT)

# axe-core (node_modules) for the browser tests' accessibility checks.
test: $(BIN)/.installed messages node_modules/.package-lock.json
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

fixtures: $(BIN)/.installed
	$(PY) manage.py build_fixtures

# Both need PostgreSQL, Redis, nginx and wrk (bench) or Chromium (audit) from Debian:
# apt-get install -y postgresql redis-server nginx wrk chromium
bench: $(BIN)/.installed
	@if [ -d locale ]; then $(MAKE) --no-print-directory messages; fi
	$(PY) scripts/bench.py $(BENCH_ARGS)

# The listing under a flood of made-up session cookies, through nginx (issue 11).
bench-cookies: $(BIN)/.installed
	@if [ -d locale ]; then $(MAKE) --no-print-directory messages; fi
	$(PY) scripts/bench_cookies.py $(BENCH_ARGS)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

audit: $(BIN)/.installed node_modules/.package-lock.json
	@if [ -d locale ]; then $(MAKE) --no-print-directory messages; fi
	$(PY) scripts/audit.py $(AUDIT_ARGS)

# Chromium from Debian (apt-get install -y chromium); writes docs/screenshots/*.png.
screenshots: $(BIN)/.installed messages
	$(PY) scripts/screenshots.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
