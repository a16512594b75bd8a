# compgraph's web server, installed from its wheel: the image holds what `pip install` gives.
#   docker build -t compgraph .
#   docker run --rm -p 8000:8000 compgraph          then open http://127.0.0.1:8000
# Settings come from COMPGRAPH_* environment variables (docker run -e ...).
# The server keeps no state between requests: scale out with more containers behind
# any load balancer, or within one container with `compgraph serve --workers N`.
#
# BASE_IMAGE: any Debian-like image with python3 (3.11 or later), its venv module and
# useradd; pip inside it must reach a package index. tests/test_container.py builds on a
# Debian made locally by debootstrap:  --build-arg BASE_IMAGE=localhost/...
ARG BASE_IMAGE=python:3.11-slim

# The wheel, built from the source. Nothing else of this stage reaches the image.
FROM ${BASE_IMAGE} AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY compgraph ./compgraph
COPY engine ./engine
COPY app ./app
COPY templates ./templates
COPY static ./static
RUN python3 -m venv /tmp/build \
    && /tmp/build/bin/pip wheel --quiet --no-cache-dir --no-deps --wheel-dir /wheel .

FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/compgraph/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# The dependencies first, read from pyproject.toml alone, so that a change to the source
# reuses this (slow) layer. They go into a venv of their own, not the base's Python.
COPY pyproject.toml /tmp/pyproject.toml
RUN python3 -m venv /opt/compgraph \
    && python -c "import tomllib; print('\n'.join(tomllib.load(open('/tmp/pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install --quiet -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt /tmp/pyproject.toml

# Then the wheel. Root owns every file; the server only reads them.
COPY --from=wheel /wheel /tmp/wheel
RUN pip install --quiet /tmp/wheel/compgraph-*.whl \
    && rm -r /tmp/wheel \
    && useradd --uid 10001 --no-create-home --no-log-init --shell /usr/sbin/nologin compgraph

USER compgraph
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('COMPGRAPH_PORT', '8000'); sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=2).status == 200 else 1)"]

CMD ["compgraph", "serve", "--host", "0.0.0.0"]
