# compgraph's web server.
#   docker build -t compgraph .
#   docker run --rm -p 8000:8000 compgraph          then open http://127.0.0.1:8000
# Settings come from COMPGRAPH_* environment variables (docker run -e ...).
# The server keeps no state between requests: scale out with more containers behind
# any load balancer, or within one container with `compgraph serve --workers N`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv/compgraph

# Dependencies first, read from pyproject.toml alone, so that a change to the source
# reuses this (slow) layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then the source. Installed in place (editable) so that templates/ and static/ stay
# beside app/, where the app looks for them; root owns every file, the server only reads.
COPY README.md ./
COPY compgraph ./compgraph
COPY engine ./engine
COPY app ./app
COPY templates ./templates
COPY static ./static
RUN pip install --no-deps --editable . \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin compgraph

USER compgraph
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('COMPGRAPH_PORT', '8000'); sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=2).status == 200 else 1)"]

CMD ["compgraph", "serve", "--host", "0.0.0.0"]
