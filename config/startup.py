"""What the web server checks before it serves anything: with ``DJANGO_DEBUG=0`` a deployment
that would answer with 500s or 400s (no collected static files, no allowed host) stops at once
with one line that says what to fix, instead of failing request by request."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage

from config.settings.env import DEBUG as CONFIGURED_DEBUG

REFUSAL = "NExTWORK will not start"


def production_problems(*, debug: bool = CONFIGURED_DEBUG) -> list[str]:
    """What keeps this production configuration from serving; empty when it can (or in debug).

    ``debug`` is the configured ``DJANGO_DEBUG``, not ``settings.DEBUG``, which the test runner
    turns off for tests of a development configuration.
    """
    if debug:
        return []
    problems = []
    if not settings.ALLOWED_HOSTS:
        problems.append("DJANGO_ALLOWED_HOSTS is empty (set the host names the site answers to)")
    read_manifest = getattr(staticfiles_storage, "read_manifest", None)
    if read_manifest is not None and not read_manifest():
        problems.append(
            f"no static files manifest in {settings.STATIC_ROOT} "
            "(run `manage.py collectstatic` at deployment)"
        )
    return problems


def refuse_broken_production() -> None:
    """Exit with one clear line when ``production_problems`` finds any."""
    problems = production_problems()
    if problems:
        raise SystemExit(f"{REFUSAL}: {'; '.join(problems)}.")


def refusal_for(error: Exception) -> SystemExit:
    """A settings error (e.g. no ``DJANGO_SECRET_KEY``) as the same one line, no traceback."""
    return SystemExit(f"{REFUSAL}: {error}")


def warm_up() -> None:
    """Import what the first request would: the URL configuration (every view, serializer and
    form behind it) and the channel layer's backend. Done lazily, that is a second of one core
    spent inside the first requests of every new web process, so a process started into a rush
    answers its first hundred requests late."""
    from channels.layers import get_channel_layer
    from django.urls import get_resolver

    len(get_resolver().url_patterns)  # reading the attribute imports them
    get_channel_layer()
