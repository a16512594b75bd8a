# compgraph: `make run` serves the app, `make test` runs every test.
# Both create .venv and install what they need on a fresh Debian machine.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
CHROMIUM := /usr/bin/chromium

.PHONY: run test lint bench browser container-tools clean

run: $(STAMP)
	$(VENV)/bin/compgraph serve

test: $(STAMP) browser container-tools
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check .

bench: $(STAMP)
	$(PY) bench/run_all.py

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

# The browser tests drive Debian's Chromium (a downloaded browser cannot be had here).
browser:
	@test -x $(CHROMIUM) || ( \
		echo "installing Debian's chromium for the browser tests" && \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
			chromium fonts-dejavu-core fonts-liberation2 >/dev/null )

# The container test builds the Dockerfile with Debian's podman on a Debian base made by
# debootstrap (no registry is reachable here). Where they cannot be installed, that test is
# skipped and says why; every other test still runs.
container-tools:
	@(command -v podman && command -v debootstrap) >/dev/null || ( \
		echo "installing Debian's podman and debootstrap for the container test" && \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
			podman debootstrap >/dev/null ) || \
		echo "could not install podman and debootstrap: the container test will be skipped"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/artifacts
