# Two commands do all the set-up on a fresh clone:
#   make compare   - compare the seed articles with the offline engine
#   make test      - lint, type-check and run the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SEEDS := seeds/kursk-sudzha.txt seeds/northern-ledger.txt seeds/harbour-courier.txt seeds/cobble-street-review.txt

.PHONY: compare test lint pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	touch $(STAMP)

compare: $(STAMP)
	$(BIN)/parallax compare $(SEEDS)

lint: $(STAMP)
	$(BIN)/ruff check api tests bench
	$(BIN)/ruff format --check api tests bench
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

test: lint pytest

bench: $(STAMP)
	$(BIN)/python bench/neus.py
	$(BIN)/python bench/speed.py

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache
