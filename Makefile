# Two commands do all the set-up on a fresh machine:
#   make demo   installs and starts the portal with demo data at http://localhost:8000
#   make test   installs and runs the whole test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: install demo test lint messages

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --constraint requirements.lock --editable ".[dev]"
	touch $@

# The embedded demo: SQLite, Celery tasks in process, e-mails printed to the console.
# Two-factor authentication is relaxed for the demo accounts only here.
demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	REQUIRE_MFA_FOR_PRIVILEGED=0 $(PY) manage.py seed_demo
	REQUIRE_MFA_FOR_PRIVILEGED=0 $(PY) manage.py runserver 0.0.0.0:$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Refresh the translation catalogues after changing interface strings.
messages: install
	$(PY) manage.py makemessages --locale es --locale en --locale pt_BR --ignore ".venv/*" --ignore "staticfiles/*" --no-obsolete
	$(PY) manage.py compilemessages --ignore ".venv/*"
