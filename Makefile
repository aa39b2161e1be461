# The two commands: `make run` serves the seeded app, `make test` checks everything.
# Both create .venv and install into it on first use, so a fresh clone needs only Python 3.11+.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEV := DJANGO_DEBUG=1

.PHONY: run serve-prod test test-fast install lint format migrations-check bench loadtest eval-extraction clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=/path/to/python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py load_seeds
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# Production: gunicorn, with whitenoise serving the compressed, hashed static files.
# Needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (and DATABASE_URL, REDIS_URL) set;
# refuses to start without them. GUNICORN_BIND and GUNICORN_WORKERS override the defaults.
serve-prod: install
	$(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/gunicorn tracker.wsgi --bind $${GUNICORN_BIND:-127.0.0.1:8000} \
		--workers $${GUNICORN_WORKERS:-2} --access-logfile -

# mypy's Django plugin imports the settings, which need DJANGO_DEBUG=1 or a real secret key.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(DEV) $(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run

# Two workers, each with a test database of its own, seeded once; the browser, live-server
# and gunicorn tests each keep to one worker by their xdist group (tests/conftest.py).
# PYTEST_WORKERS=0 runs the suite in one process.
PYTEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

# axe-core for the accessibility browser tests (tests/browser/axe_audit.py), as its lock file
# pins it. Without npm this says so and goes on: those tests then skip, or fail under
# REQUIRE_BROWSER=1, as CI sets it.
AXE := tests/browser/axe
AXE_STAMP := $(AXE)/node_modules/.installed-stamp

$(AXE_STAMP): $(AXE)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(AXE) --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: the accessibility tests need it (apt-get install -y nodejs npm)."; \
	fi

test: lint migrations-check $(AXE_STAMP)
	$(PYTEST)

# The edit-test loop: everything but the browser and the gunicorn tests.
test-fast: install
	$(PYTEST) -m "not browser and not server"

# Not part of `make test`: builds synthetic data sets (kept in bench/data/) and measures them.
# PostgreSQL is the server at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
bench: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check datasette
	$(BIN)/python bench/run.py

# Not part of `make test`: runs the extraction assistant on the Government Work Reports in
# ../shared/corpus/ (CORPUS=... names another folder) and the seed report, against the
# labels in bench/extraction_labels.yaml, and writes EVALUATION.md.
CORPUS ?= ../shared/corpus/government-work-reports
eval-extraction: install
	$(DEV) $(BIN)/python bench/eval_extraction.py --corpus $(CORPUS)

# Not part of `make test`: gunicorn with the 100k data set under many concurrent clients for
# a minute (LOADTEST_SECONDS, LOADTEST_CLIENTS); fails on any error, records percentiles.
loadtest: install
	$(BIN)/python bench/loadtest.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache .mypy_cache $(AXE)/node_modules
