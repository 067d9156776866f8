# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint system-deps bench clean

$(BIN)/followup: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

demo: $(BIN)/followup
	$(BIN)/followup demo

system-deps:
	bash .ci/install-system-deps

# pytest exits 5 when it collects no test: that fails too.
test: $(BIN)/followup system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The project's ruff rules and format, mypy on the package and --strict on the pure core
# (config in pyproject.toml). CI runs this before the tests.
lint: $(BIN)/followup
	$(BIN)/ruff check daemon tests bench
	$(BIN)/ruff format --check daemon tests bench
	$(BIN)/mypy daemon/followup
	$(BIN)/mypy --strict daemon/followup/core

bench: $(BIN)/followup system-deps
	$(BIN)/python bench/sync.py
	$(BIN)/python bench/idle.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
