VENV   := .venv
PY     := $(VENV)/bin/python
SENDKG := $(VENV)/bin/sendkg
GRAPH  := output/sendkg.ttl

.PHONY: install graph validate test clean bench docs interop reliability screenshots
BENCH_SIZES ?= 100 1000

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3.11 -m venv $(VENV) 2>/dev/null || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

graph: install
	$(SENDKG) build corpus -o $(GRAPH) -o output/sendkg.trig

validate: install
	$(SENDKG) validate $(GRAPH)

test: install
	$(PY) -m pytest -q

docs: graph
	$(PY) -m tests.docs

clean:
	rm -rf $(VENV) output/*.ttl

bench: install
	$(PY) bench/national.py $(BENCH_SIZES)

interop: install
	$(PY) -m tests.interop.virtuoso

reliability: graph
	$(PY) bench/reliability.py

screenshots: graph
	$(SENDKG) report
	$(PY) -m tests.browser
