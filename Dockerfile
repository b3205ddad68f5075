# syntax=docker/dockerfile:1
# One image for web, bot and worker; docker-compose.yml chooses each container's command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 nextwork \
    && useradd --system --uid 10001 --gid nextwork --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin nextwork

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY requirements/base.lock requirements/base.lock
RUN pip install -r requirements/base.lock

COPY . .
# Editable, so the code exists once, in /app, where manage.py and uvicorn import it from.
# var/ is the only directory the application writes to (static files, SQLite if no database).
RUN pip install --no-deps -e . \
    && mkdir -p var \
    && chown nextwork:nextwork var

USER nextwork

# Static files are collected at build time. The settings refuse DEBUG=0 without a secret key;
# this dummy exists only for this one command and is not part of the image's environment.
RUN DJANGO_DEBUG=0 \
    DJANGO_SECRET_KEY=build-time-only-dummy-not-used-at-runtime \
    DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput --verbosity 0

EXPOSE 8000

# slim has no curl. The request claims to come through the TLS proxy (X-Forwarded-Proto) for
# an allowed host, otherwise production settings answer with a redirect or a 400.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = (os.environ.get('DJANGO_ALLOWED_HOSTS') or 'localhost').split(',')[0].strip().lstrip('.').replace('*', 'localhost'); u.urlopen(u.Request('http://127.0.0.1:8000/health/', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=4)"]

# Channels' router has no lifespan handler, hence --lifespan off.
CMD ["uvicorn", "config.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers", "--lifespan", "off"]
