# Vigie — the two commands: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
VIGIE := $(VENV)/bin/vigie
PGBIN := /usr/lib/postgresql/15/bin
PGDATA ?= /tmp/vigie-pg
PGPORT ?= 54329
export VIGIE_DATA_DIR ?= $(CURDIR)/data
# pytest-xdist workers for test and test-postgres (one per core; TEST_WORKERS=0 runs in one
# process). A test file stays on one worker, so a module's shared fixtures are built once.
TEST_WORKERS ?= auto
PYTEST := $(VENV)/bin/pytest -q -n $(TEST_WORKERS) --dist loadfile

.PHONY: demo test test-postgres bench lint venv system-deps pg-start pg-stop serve-postgres clean messages

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test,bench,lint]'
	touch $@

venv: $(VENV)/.installed

# Debian packages the tests need: Chromium for browser tests, PostgreSQL 15 for test-postgres,
# GNU gettext (xgettext, msguniq, msgmerge) for the test that the English catalogue holds every
# string of the source (vigie/core/tests/test_i18n.py) and for `make messages`.
system-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x $(PGBIN)/postgres ] || ! command -v xgettext >/dev/null \
	    || ! ldconfig -p | grep -q libpangoft2-1.0; then \
	  echo "Installing Debian packages chromium, postgresql, gettext and pango (PDF reports)…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium postgresql gettext \
	    libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	fi

demo: venv
	VIGIE_DEBUG=1 $(VIGIE) migrate --noinput
	VIGIE_DEBUG=1 VIGIE_EMAIL_BACKEND=console $(VIGIE) seed_demo --dwellings $${DWELLINGS:-12000}
	@echo "Démo : la double authentification (obligatoire en production) est désactivée (VIGIE_REQUIRE_2FA=0)."
	@echo "Démo : les e-mails (orientations, récapitulatifs) s'affichent dans ce terminal au lieu d'être envoyés."
	VIGIE_DEBUG=1 VIGIE_REQUIRE_2FA=0 VIGIE_EMAIL_BACKEND=console VIGIE_TASKS_BACKEND=immediate $(VIGIE) runserver 127.0.0.1:8000

test: venv system-deps
	VIGIE_DEBUG=1 $(PYTEST) $(PYTEST_ARGS)

pg-start: system-deps
	@if [ ! -d $(PGDATA) ]; then \
	  mkdir -p $(PGDATA) && chown postgres $(PGDATA) && \
	  su postgres -c "$(PGBIN)/initdb -D $(PGDATA) -A trust -U postgres" >/dev/null; \
	fi
	@su postgres -c "$(PGBIN)/pg_ctl -D $(PGDATA) status" >/dev/null 2>&1 || \
	  su postgres -c "$(PGBIN)/pg_ctl -D $(PGDATA) -o '-p $(PGPORT) -k /tmp -c fsync=off -c max_connections=300' -l $(PGDATA)/log -w start" >/dev/null
	@echo "PostgreSQL on port $(PGPORT)"

pg-stop:
	-su postgres -c "$(PGBIN)/pg_ctl -D $(PGDATA) stop -m fast" >/dev/null 2>&1

test-postgres: venv pg-start
	DATABASE_URL=postgres://postgres@127.0.0.1:$(PGPORT)/vigie VIGIE_DEBUG=1 $(PYTEST) $(PYTEST_ARGS)

serve-postgres: venv pg-start
	-su postgres -c "psql -h /tmp -p $(PGPORT) -c 'CREATE DATABASE vigie'" >/dev/null 2>&1
	DATABASE_URL=postgres://postgres@127.0.0.1:$(PGPORT)/vigie VIGIE_DEBUG=1 $(VIGIE) migrate --noinput
	DATABASE_URL=postgres://postgres@127.0.0.1:$(PGPORT)/vigie VIGIE_DEBUG=1 $(VIGIE) runserver 127.0.0.1:8000

# The page test drives gunicorn with Debian's wrk (loopback only). BENCH_ARGS=--quick: ~3 min.
bench: venv pg-start
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	VIGIE_DEBUG=1 $(PY) bench/run.py $(BENCH_ARGS)
	VIGIE_DEBUG=1 $(PY) bench/bench_reports.py $(filter --quick,$(BENCH_ARGS))
	VIGIE_DEBUG=1 $(PY) bench/bench_foodaid.py $(filter --quick,$(BENCH_ARGS))  # food aid (issue #14)

# mypy's scope and strictness: [tool.mypy] in pyproject.toml (docs/architecture.md, "Types"); the
# example module is installed for it, as under pytest, so that its models are known.
lint: venv
	$(VENV)/bin/ruff check vigie bench
	$(VENV)/bin/ruff format --check vigie bench
	VIGIE_DEBUG=1 VIGIE_EXTRA_APPS=vigie.tests_example $(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache  # dependencies run one way (docs/decisions/0012)

# Refresh the English catalogue from the French source strings, then compile it. Translate the new
# (empty or fuzzy) entries of vigie/locale/en/LC_MESSAGES/django.po, run it again, and commit both
# django.po and django.mo (installs need no gettext). French needs no catalogue: msgids are French.
messages: venv
	cd vigie && VIGIE_DEBUG=1 ../$(VIGIE) makemessages -l en --no-obsolete --add-location=file --ignore "*/tests/*" --ignore "*/migrations/*"
	@for po in vigie/locale/en/LC_MESSAGES/django.po vigie/*/locale/en/LC_MESSAGES/django.po; do \
	  [ -f $$po ] || continue; \
	  msgattrib --only-fuzzy $$po | grep -q msgid && echo "Fuzzy entries to review in $$po" || true; \
	  msgattrib --untranslated $$po | grep -q msgid && echo "Untranslated entries in $$po" || true; \
	done
	cd vigie && VIGIE_DEBUG=1 ../$(VIGIE) compilemessages -l en

guide-screenshots: venv ; VIGIE_DEBUG=1 $(PY) tools/guide_screenshots.py  # docs/guide/images/*.png, from a fresh small demo

clean:
	rm -rf $(VENV) data

# --- Production stack, locally (docs/deploy.md): PostgreSQL, gunicorn + whitenoise, task worker.
.PHONY: serve-gunicorn
serve-gunicorn: venv pg-start
	-su postgres -c "psql -h /tmp -p $(PGPORT) -c 'CREATE DATABASE vigie'" >/dev/null 2>&1
	export DATABASE_URL=postgres://postgres@127.0.0.1:$(PGPORT)/vigie VIGIE_DEBUG=0 \
	  VIGIE_SECRET_KEY=$${VIGIE_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')} \
	  VIGIE_BIND=$${VIGIE_BIND:-127.0.0.1:8001} VIGIE_WORKERS=$${VIGIE_WORKERS:-3}; \
	$(VIGIE) migrate --noinput && $(VIGIE) collectstatic --noinput -v0 && \
	{ $(VIGIE) db_worker --queue-name '*' --no-reload & worker=$$!; \
	  trap "kill $$worker" EXIT; $(VENV)/bin/gunicorn --config deploy/gunicorn.conf.py; }

# --- Security checks (issue #5 §8): bandit, pip-audit, schemathesis against the API (.ci/security).
.PHONY: security
$(VENV)/.security-installed: $(VENV)/.installed pyproject.toml
	$(PIP) install -q -e '.[test,bench,lint,security]'
	touch $@

security: venv $(VENV)/.security-installed
	VENV=$(VENV) .ci/security
