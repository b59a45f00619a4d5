# TalentLoop: two commands do all the set-up on a fresh machine.
#   make run    start the local cloud (DynamoDB Local + moto) and the API; Ctrl-C stops it
#   make test   install everything and run the whole suite (what CI runs)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-shifted demo tick outbox lint unit functional e2e bench deps java faketime \
        chromium console clean-data

$(STAMP): requirements.txt requirements-dev.txt requirements-infra.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

java:
	@command -v java >/dev/null 2>&1 || { echo "installing Java (default-jre-headless) for DynamoDB Local"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless) >/dev/null; }

faketime:
	@command -v faketime >/dev/null 2>&1 || { echo "installing faketime (libfaketime) for make test-shifted"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime) >/dev/null; }

# the browser tests drive Debian's Chromium (Playwright's own browser download is not used);
# a CJK font so zh-CN pages render (and are screenshot) as text, not boxes
chromium:
	@{ command -v chromium && test -d /usr/share/fonts/truetype/wqy; } >/dev/null 2>&1 || { \
	  echo "installing Chromium and a CJK font (zh-CN screenshots) for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	    fonts-wqy-microhei) >/dev/null; }

# the HR console (console/, Vite + TypeScript) -> chalicelib/console_dist/ (git-ignored; the
# API serves it at /console and it ships inside chalicelib/ with the Chalice app)
CONSOLE_SRC := $(shell find console -type f 2>/dev/null)
chalicelib/console_dist/index.html: node_modules/.package-lock.json $(CONSOLE_SRC)
	npx --no-install tsc -p console/tsconfig.json
	npx --no-install vite build --config console/vite.config.mts --logLevel warn

console: chalicelib/console_dist/index.html

deps: $(STAMP) node_modules/.package-lock.json java console

run: deps
	$(PY) -m infra.local run

demo: deps
	$(PY) -m infra.local demo

tick: deps
	$(PY) -m infra.local tick $(if $(AT),--at $(AT))

outbox: deps
	$(PY) -m infra.local outbox

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy chalicelib app.py infra tests benchmarks
	$(VENV)/bin/lint-imports

unit: deps
	$(PY) -m pytest tests/unit -q

functional: deps
	$(PY) -m pytest tests/functional -q

e2e: deps chromium
	$(PY) -m pytest tests/e2e -q

test: deps chromium faketime lint
	$(PY) -m pytest tests -q -p no:cacheprovider --durations=25

# The whole suite with the machine's date moved forward (default 400 days: past a year end
# and a leap day). Every process sees the shifted clock (Python, DynamoDB Local's JVM, moto),
# so a test that mixes its fixed clock with the wall clock fails here. SHIFT=+30d etc.
SHIFT ?= +400d
test-shifted: deps chromium faketime
	faketime -f '$(SHIFT)' $(PY) -m pytest tests -q -p no:cacheprovider

bench: deps
	$(PY) benchmarks/bulk_invite.py
	$(PY) benchmarks/cold_import.py
	$(PY) benchmarks/sweep_due_index.py
	$(PY) benchmarks/sender_rate.py
	$(PY) benchmarks/inbound_webhooks.py

clean-data:
	rm -rf .local
