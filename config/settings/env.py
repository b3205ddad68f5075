"""The one environment reader every settings module shares."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A local .env (never committed) may hold a developer's overrides.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Debug is on for the embedded default a newcomer runs; production sets DJANGO_DEBUG=0.
DEBUG = env.bool("DJANGO_DEBUG", default=True)
