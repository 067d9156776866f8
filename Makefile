# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test system-deps bench clean

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

bench: $(BIN)/followup system-deps
	$(BIN)/python bench/sync.py
	$(BIN)/python bench/idle.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
