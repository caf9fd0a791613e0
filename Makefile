# marketing_ops — the commands the README promises. Everything runs from the project's virtualenv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint fmt messages bench bench-kills install vendor migrate seed run clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## demo: set up on the embedded defaults (SQLite, tasks inline, mail to console) and serve on :8000
demo: seed
	$(PY) manage.py runserver 127.0.0.1:8000

## test: the whole suite (SQLite by default; DATABASE_URL / REDIS_URL switch to PostgreSQL / Redis)
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py catalogue --check

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## messages: extract every marked string into locale/zh_Hans/LC_MESSAGES/django.po and compile
## django.mo (needs GNU gettext); both files are committed (docs/language-and-formats.md#languages)
messages: install
	$(PY) manage.py catalogue

## bench: bench/README.md#targets on PostgreSQL — the arrears import and reads at 1 M accounts, the audit rules over 2 M rows of history, the appraisal's computation and scorecard page, pages under load, then materials at 2 M moves
bench: install
	$(PY) bench/arrears.py $(BENCH_ARGS)
	$(PY) bench/audits.py $(BENCH_AUDITS_ARGS)
	$(PY) bench/appraisal.py --reuse $(BENCH_APPRAISAL_ARGS)
	$(PY) bench/pages.py $(BENCH_PAGES_ARGS)
	$(PY) bench/materials.py $(BENCH_MATERIALS_ARGS)

## bench-kills: bench/README.md#worker-kills on PostgreSQL + Redis — ten kill -9s of a worker mid-import: none left running, nothing half-applied
bench-kills: install
	$(PY) bench/worker_kills.py $(BENCH_KILLS_ARGS)

## vendor: refresh static/vendor/ from the pinned npm packages (needs npm; the result is committed)
vendor:
	npm install --no-audit --no-fund
	mkdir -p static/vendor/bootstrap static/vendor/chartjs static/vendor/htmx
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/bootstrap/
	cp node_modules/chart.js/dist/chart.umd.js static/vendor/chartjs/chart.umd.min.js
	cp node_modules/chart.js/dist/chart.umd.js.map static/vendor/chartjs/chart.umd.js.map
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/bootstrap/LICENSE static/vendor/bootstrap/LICENSE
	cp node_modules/chart.js/LICENSE.md static/vendor/chartjs/LICENSE.md
	cp node_modules/htmx.org/LICENSE static/vendor/htmx/LICENSE

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles media
