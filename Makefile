# Set-up and everyday commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := TRACKER_ENV=development $(BIN)/flask --app wsgi

.PHONY: install run test lint serve scheduler clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load
	@cat instance/demo-sign-in.txt 2>/dev/null || true
	@echo "Serving on http://127.0.0.1:5000 (Ctrl+C to stop)"
	$(FLASK) run --host 127.0.0.1 --port 5000

# Every test on SQLite; again on PostgreSQL when TEST_DATABASE_URL is set (.ci/run sets it).
test: install
	env -u TEST_DATABASE_URL $(BIN)/pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then echo "== again on PostgreSQL =="; $(BIN)/pytest -m "not browser"; fi

# Style and correctness checks (ruff: pyflakes, import order, pyupgrade); settings in pyproject.toml.
lint: install
	$(BIN)/ruff check .

serve: install
	TRACKER_ENV=production $(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

scheduler: install
	TRACKER_ENV=production $(BIN)/flask --app wsgi scheduler

clean:
	rm -rf $(VENV) .pytest_cache
