# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
ADDRESS = 127.0.0.1:$(PORT)
SCALE ?= city
# The settings default to production (DEBUG off, which needs SECRET_KEY, ALLOWED_HOSTS,
# SITE_URL and ADMINS); these commands are the developer's, so they run in demo mode
# unless DEBUG is set. The benches set production themselves.
export DEBUG ?= 1

.PHONY: run test lint bench bench-users bench-load messages translations clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"

# Reinstall only when the declared dependencies change.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

# The benches' load client (Locust), besides the app.
$(VENV)/.installed-bench: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[bench]"
	touch $@ $(VENV)/.installed

# The accessibility checkers (axe-core, the Nu HTML Checker), from the npm registry at
# the versions package-lock.json pins.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

translations: $(VENV)/.installed
	$(PY) manage.py compile_translations

# The web server and one worker for the background tasks (documents, publishing):
# Ctrl-C stops both, and the worker never outlives the server.
run: $(VENV)/.installed translations
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo --address $(ADDRESS)
	@$(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(PY) manage.py runserver $(ADDRESS)

# Persistent connections would keep the live server's thread attached to the test database.
test: $(VENV)/.installed-test node_modules/.installed translations
	DATABASE_CONN_MAX_AGE=0 $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

# Timings of named pages on city-scale data (a separate SQLite file unless DATABASE_URL is
# set), then the same data under load: 20 signed-in users, then 20 anonymous visitors.
# Both parts run whatever the first says; either missing a target fails the command.
bench: $(VENV)/.installed-bench translations
	BENCH=1 $(PY) benchmarks/run.py --scale $(SCALE); pages=$$?; \
	$(PY) benchmarks/users.py && exit $$pages

# The load part alone (after `make bench`): gunicorn as in production, Locust headless,
# throughput, p50/p95/p99 and errors against the targets.
bench-users: $(VENV)/.installed-bench translations
	$(PY) benchmarks/users.py

# 20 logged-in users browsing the production server (gunicorn and a db_worker), alone and
# while the worker makes the whole-plan PDF: p95 with it within 1.5x of p95 without.
bench-load: $(VENV)/.installed translations
	$(PY) benchmarks/load.py

# Refresh the Spanish and English .po files after changing user-facing strings
# (the source strings are Catalan; locale/ca only holds third-party strings).
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l es -l en --no-location --ignore ".venv/*" --ignore "staticfiles/*" --ignore "var/*"

clean:
	rm -rf $(VENV) staticfiles
