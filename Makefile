# Two commands do everything on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | cksum | cut -d' ' -f1)

.PHONY: run test lint bench bench-load serve install chromium clean

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing the pinned requirements into $(VENV)…"
	@$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## The application with worker and scheduler, on the embedded PostgreSQL and Redis, with demo data.
run: install
	@$(PY) -m config.launcher

## Debian's chromium for the browser tests (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests…"; \
		apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## ruff, then the import contracts of .importlinter (docs/architecture.md).
lint: install
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/lint-imports --no-cache

## The whole suite, then the linters (ruff and the layer contracts).
test: install chromium
	@ACQS_TESTING=1 $(PY) -m pytest
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/lint-imports --no-cache

bench: install
	@$(PY) bench/run.py

## 200 simulated clients completing the demo questionnaire against gunicorn (docs/operations.md);
## its options go in ARGS, e.g. make bench-load ARGS="--think 0.5 --steps 20,40,60,80".
bench-load: install
	@$(PY) -m bench.load.run $(ARGS)

## Production-style serving: gunicorn, a Celery worker (max tasks per child) and beat; collectstatic first.
serve: install
	@$(PY) -m config.ops.serve

clean:
	rm -rf .data
