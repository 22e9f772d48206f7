# The Parallax HTTP service: the same `parallax serve` as on a laptop.
#   docker build -t parallax .
#   docker run -p 8000:8000 -v parallax-data:/data parallax
# Jobs live in /data/parallax.db (a volume), so they survive a restart of the container.
# Scaled out (compose.yaml): the same image runs `parallax serve` replicas and
# `parallax worker` processes on one PostgreSQL (PARALLAX_DATABASE_URL); the
# psycopg[binary] wheel brings its own libpq, so nothing more is installed here.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY api ./api
COPY prompts ./prompts
RUN pip install . \
    && useradd --system --uid 10001 --create-home --home-dir /data parallax

USER parallax
WORKDIR /data
ENV PARALLAX_DB_PATH=/data/parallax.db
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]

CMD ["parallax", "serve", "--host", "0.0.0.0", "--port", "8000"]
