"""Settings come from the environment: each case imports the settings modules afresh under its
own environment, as a new process would read them; the deployment check and a checkout at an
odd path run in a fresh interpreter."""

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured

import config

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x7Gq2-test-only-production-like-secret-key-9fKz3LmW8vRt0pYs6uNc1bJhD",
    "DJANGO_ALLOWED_HOSTS": "nextwork.example.dk",
    # Production talks to real Telegram (bot/checks.py warns otherwise).
    "TELEGRAM_BOT_TOKEN": "123456789:test-only-production-like-token",
}
# A developer's .env must not leak into these cases, and the settings read it on import.
PRELUDE = "import environ; environ.Env.read_env = staticmethod(lambda *a, **k: None)\n"


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.pop("REDIS_URL", None)
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    return subprocess.run(
        [sys.executable, "-c", PRELUDE + code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def fresh_settings(monkeypatch):
    """``fresh_settings(**env)``: the ``config.settings`` package imported anew with exactly
    ``env`` (none of this process's DJANGO_*, DATABASE_* or REDIS_URL, no .env); the settings
    this process runs with are left alone and the old modules come back afterwards."""

    def load(**env: str):
        for key in list(os.environ):
            if key.startswith(("DJANGO_", "DATABASE_")) or key == "REDIS_URL":
                monkeypatch.delenv(key)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setattr(environ.Env, "read_env", staticmethod(lambda *a, **k: None))
        for name in [n for n in sys.modules if n.startswith("config.settings")]:
            monkeypatch.delitem(sys.modules, name)
        monkeypatch.setattr(config, "settings", config.settings)  # the import rebinds it
        return importlib.import_module("config.settings")

    return load


@pytest.fixture
def settings_under(fresh_settings):
    def dump(**env: str) -> dict:
        settings = fresh_settings(**env)
        db = settings.DATABASES["default"]
        layer = settings.CHANNEL_LAYERS["default"]
        return {
            "engine": db["ENGINE"],
            "name": str(db["NAME"]),
            "host": db.get("HOST", ""),
            "options": db.get("OPTIONS", {}),
            "conn_max_age": db.get("CONN_MAX_AGE"),
            "layer": layer["BACKEND"],
            "layer_config": layer.get("CONFIG", {}),
            "relay": settings.NEXTWORK_LIVE_RELAY,
            "debug": settings.DEBUG,
            "time_zone": settings.TIME_ZONE,
            "language": settings.LANGUAGE_CODE,
            "languages": [code for code, _ in settings.LANGUAGES],
            "use_tz": settings.USE_TZ,
        }

    return dump


def test_without_urls_the_embedded_defaults_are_sqlite_under_var_and_the_in_memory_layer(
    settings_under,
):
    settings = settings_under()
    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["name"] == str(ROOT / "var" / "nextwork.sqlite3")
    assert settings["layer"] == "channels.layers.InMemoryChannelLayer"
    assert settings["debug"] is True


def test_database_url_switches_to_postgresql(settings_under):
    settings = settings_under(DATABASE_URL="postgres://nw:pw@db.internal:5432/nextwork")
    assert settings["engine"] == "django.db.backends.postgresql"
    assert (settings["name"], settings["host"]) == ("nextwork", "db.internal")
    # Under ASGI each request may run in another thread: no persistent connections.
    assert settings["conn_max_age"] == 0


def test_postgresql_connections_come_from_a_bounded_pool_sized_by_the_environment(
    settings_under,
):
    url = "postgres://nw:pw@db.internal:5432/nextwork"
    assert settings_under(DATABASE_URL=url)["options"]["pool"] == {
        "min_size": 1,
        "max_size": 10,
        "timeout": 10.0,
    }
    sized = settings_under(
        DATABASE_URL=url,
        DATABASE_POOL_MAX_SIZE="4",
        DATABASE_POOL_MIN_SIZE="2",
        DATABASE_POOL_TIMEOUT="2.5",
    )
    assert sized["options"]["pool"] == {"min_size": 2, "max_size": 4, "timeout": 2.5}


def test_redis_url_switches_the_channel_layer_to_redis_pub_sub(settings_under):
    settings = settings_under(REDIS_URL="redis://cache.internal:6379/2")
    assert settings["layer"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    [host] = settings["layer_config"]["hosts"]
    assert host["address"] == "redis://cache.internal:6379/2"
    assert settings["relay"] is False


def test_the_redis_layer_waits_for_news_inside_its_read_timeout(settings_under):
    """redis-py 8's default 5 s read timeout ended the list-based layer's 5 s BRPOP on an idle
    socket; the Pub/Sub layer polls 0.1 s at a time, and the timeouts are set, finite, anyway."""
    import inspect

    from channels_redis.pubsub import RedisSingleShardConnection

    settings = settings_under(REDIS_URL="redis://cache.internal:6379/2")
    [host] = settings["layer_config"]["hosts"]
    assert "timeout=0.1" in inspect.getsource(RedisSingleShardConnection._do_receiving)
    assert 0.1 < host["socket_timeout"] < 60
    assert 0 < host["socket_connect_timeout"] < 60
    assert host["socket_keepalive"] is True


def test_the_redis_database_number_keeps_installations_apart_on_one_redis(settings_under):
    """Redis Pub/Sub ignores the database number: the layer's channel names carry it."""
    two = settings_under(REDIS_URL="redis://cache.internal:6379/2")["layer_config"]["prefix"]
    three = settings_under(REDIS_URL="redis://cache.internal:6379/3")["layer_config"]["prefix"]
    default = settings_under(REDIS_URL="redis://cache.internal:6379")["layer_config"]["prefix"]
    assert len({two, three, default}) == 3
    assert (
        default
        == settings_under(REDIS_URL="redis://cache.internal:6379/0")["layer_config"]["prefix"]
    )


def test_without_redis_the_database_relay_carries_live_news_between_processes(settings_under):
    assert settings_under()["relay"] is True
    assert settings_under(NEXTWORK_LIVE_RELAY="0")["relay"] is False


def test_production_without_a_secret_key_refuses_to_start(fresh_settings):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        fresh_settings(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="nextwork.example.dk")


@pytest.mark.parametrize("env", [{}, PRODUCTION], ids=["development", "production"])
def test_time_zone_and_languages_are_danish_first(settings_under, env):
    settings = settings_under(**env)
    assert settings["time_zone"] == "Europe/Copenhagen"
    assert settings["use_tz"] is True
    assert settings["language"] == "da"
    assert settings["languages"] == ["da", "en"]


def test_deploy_checks_pass_with_production_settings():
    result = run_python(
        "from django.core.management import execute_from_command_line\n"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("odd", ["check#out", "what?now", "per%41cent"])
def test_the_default_sqlite_database_stays_in_var_whatever_the_checkout_path(tmp_path, odd):
    # A URL would cut the path at '#' or '?' and decode '%41'; the settings are copied into a
    # checkout whose path holds such a character and must still put the database in its var/.
    checkout = tmp_path / odd
    shutil.copytree(
        ROOT / "config", checkout / "config", ignore=shutil.ignore_patterns("__pycache__")
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONDONTWRITEBYTECODE": "1"})
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            PRELUDE + "import json\nfrom config import settings as s\n"
            "db = s.DATABASES['default']\n"
            "print(json.dumps([str(s.BASE_DIR), db['ENGINE'], str(db['NAME']), db['OPTIONS']]))",
        ],
        cwd=checkout,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    base_dir, engine, name, options = json.loads(result.stdout)
    assert base_dir == str(checkout)  # the copy was imported, not this checkout's config
    assert engine == "django.db.backends.sqlite3"
    assert name == str(checkout / "var" / "nextwork.sqlite3")
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]


def test_a_sqlite_database_url_keeps_the_sqlite_options(settings_under, tmp_path):
    settings = settings_under(DATABASE_URL=f"sqlite:///{tmp_path / 'other.sqlite3'}")
    assert settings["name"] == str(tmp_path / "other.sqlite3")
    assert settings["options"]["timeout"] == 20
    assert settings["options"]["transaction_mode"] == "IMMEDIATE"
