# Two commands a newcomer needs: `make run` and `make test`. See README.md.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000

.PHONY: run test lint install install-dev migrate pg-test clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(MANAGE) migrate --noinput

run: migrate
	$(MANAGE) seed_demo --if-empty
	$(MANAGE) ensure_admin
	$(MANAGE) ensure_demo_accounts
	@echo "在浏览器打开 http://127.0.0.1:$(PORT)/ 用上面的账号登录 (Ctrl-C 停止)"
	DEBUG=$${DEBUG:-0} $(MANAGE) runserver 127.0.0.1:$(PORT)

test: install-dev
	@bash scripts/test_system_deps.sh
	$(BIN)/python manage.py makemigrations --check --dry-run >/dev/null
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy ganbu bench
	$(BIN)/lint-imports --no-logo

pg-test: install-dev
	DATABASE_URL=$$(bash scripts/pg_start.sh) $(MAKE) test

clean:
	rm -rf $(VENV) var test-artifacts
