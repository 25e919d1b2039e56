# Two commands: `make run` and `make test`. Everything else follows from them.
PYTHON ?= python3.11
VENV := .venv

.PHONY: run test install lint format bench bench-impact clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Needs $(PYTHON) (Python 3.11)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

.env:
	@echo "DJANGO_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "Wrote a development secret key to .env (git-ignored)."

run: install .env
	scripts/run.sh

test: install
	scripts/test.sh

lint: install
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

# The key pages against a bare page on a throwaway PostgreSQL (docs/performance.md). Default
# 20,000 contributors / 200,000 claims; a quick run: make bench BENCH_ARGS="--people 2000 --claims 20000"
bench: install
	@dir=$$(mktemp -d); eval "$$(scripts/services.sh start $$dir)"; trap "scripts/services.sh stop $$dir" EXIT; \
	$(VENV)/bin/python tests/bench/bench_pages.py $(BENCH_ARGS)

bench-impact: install
	$(VENV)/bin/python tests/bench/bench_impact.py

clean:
	rm -rf $(VENV) var
