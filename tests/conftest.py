"""Layered fixtures: municipality → consultant → company → slot → youth …"""

import importlib
import os
from urllib.parse import urlsplit

import pytest
from django.apps import apps as global_apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models.signals import post_migrate

from tests import factories as f

_seed_migration = importlib.import_module("domain.migrations.0002_seed_sectors")


def _reseed_sectors(sender, **kwargs) -> None:
    """A transactional test ends with a flush, which empties the tables the data migration
    filled; the flush emits post_migrate, so the reference list comes back right away."""
    if sender.label == "portal":  # the domain app
        _seed_migration.seed(global_apps, None)


post_migrate.connect(_reseed_sectors, dispatch_uid="tests-reseed-sectors")


@pytest.fixture(autouse=True)
def _fresh_content_types():
    # After a flush the content types are recreated with new ids; forget the cached old ones.
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _no_live_relay(request, settings):
    # The database relay carries live news between processes (portal/relay.py); a test runs
    # in one, so only the tests of the relay (marked live_relay) keep it on.
    # (On, for those, even where REDIS_URL would turn it off: they test the relay itself.)
    settings.NEXTWORK_LIVE_RELAY = request.node.get_closest_marker("live_relay") is not None


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The limiter's counts live in memory (or Redis) across tests: one test's attempts must
    # not refuse the next one's.
    from domain.ratelimit import rate_limits_reset

    rate_limits_reset()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """``force_login`` stands for a whole login, the second factor included: staff sessions
    are marked as having passed it with a device of their own. tests/portal/test_two_factor.py
    logs in through the real pages instead."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from tests.helpers import pass_second_factor

        pass_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _statistics_computed_afresh(settings):
    # Tests change a municipality's data with factories, which the audit trail (the statistics'
    # cache key) does not see; tests/domain/selectors/test_kept_statistics.py
    # turns the cache on.
    settings.NEXTWORK_STATISTICS_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The factories give every user a real password; PBKDF2 costs ~0.3 s for each one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    _own_redis_database_per_worker()
    _static_files_found_when_asked()


def _static_files_found_when_asked() -> None:
    """Every test client builds the middleware afresh, and WhiteNoise's, with the debug
    settings' finders and no autorefresh (pytest-django turns DEBUG off), would list every
    static file of every app each time: 40 ms a test. Looked up per request instead, as in
    development; what production serves is tested through real processes
    (tests/test_startup.py)."""
    from django.conf import settings

    settings.WHITENOISE_AUTOREFRESH = True


def _own_redis_database_per_worker() -> None:
    """Under pytest-xdist each worker has its own test database (pytest-django adds the
    ``_gw0``, ``_gw1`` … suffix); it gets its own Redis database too: REDIS_URL's number plus
    the worker's index. Channel-layer groups (``admins``, ``company.1`` …), the send limiter's
    windows and the processes a test starts (which inherit REDIS_URL) never meet another
    worker's."""
    from django.conf import settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", …; unset without -n
    if not worker.startswith("gw") or not settings.REDIS_URL:
        return
    url = urlsplit(settings.REDIS_URL)
    if url.scheme not in ("redis", "rediss") or not (url.path.strip("/") or "0").isdigit():
        raise pytest.UsageError(
            f"REDIS_URL={settings.REDIS_URL}: with xdist workers (-n) it must be a "
            "redis://host:port/<database number> URL, so that each worker gets its own database"
        )
    number = int(url.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    if number > 15:  # Redis has 16 databases unless configured otherwise
        raise pytest.UsageError(
            f"xdist worker {worker} would need Redis database {number}: start REDIS_URL at a "
            "lower database number or run fewer workers (-n)"
        )
    own = url._replace(path=f"/{number}").geturl()
    os.environ["REDIS_URL"] = own
    settings.REDIS_URL = own
    from config.settings.channels import layer_prefix

    for layer in settings.CHANNEL_LAYERS.values():
        for host in layer.get("CONFIG", {}).get("hosts", []):
            host["address"] = own
        if "prefix" in layer.get("CONFIG", {}):
            # Pub/Sub channels ignore the database number: the names carry it.
            layer["CONFIG"]["prefix"] = layer_prefix(own)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need real row locks and concurrent connections."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL (row locks, concurrent connections); CI runs it with "
        "DATABASE_URL=postgres://…"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def municipality(db):
    return f.MunicipalityFactory(name="Roskilde", slug="roskilde")


@pytest.fixture
def other_municipality(db):
    return f.MunicipalityFactory(name="Vejle", slug="vejle")


@pytest.fixture
def admin_user(db):
    return f.AdminUserFactory(username="admin")


@pytest.fixture
def consultant(municipality):
    return f.ConsultantFactory(municipality=municipality, user__username="consultant")


@pytest.fixture
def other_consultant(other_municipality):
    return f.ConsultantFactory(municipality=other_municipality, user__username="other_consultant")


@pytest.fixture
def company(municipality):
    company = f.CompanyFactory(name="Bageriet ApS")
    f.MembershipFactory(company=company, municipality=municipality)
    return company


@pytest.fixture
def company_member(company):
    return f.CompanyMemberFactory(company=company, user__username="baker")


@pytest.fixture
def other_company(other_municipality):
    company = f.CompanyFactory(name="Anden Virksomhed A/S")
    f.MembershipFactory(company=company, municipality=other_municipality)
    return company


@pytest.fixture
def other_company_member(other_company):
    return f.CompanyMemberFactory(company=other_company, user__username="other_member")


@pytest.fixture
def slot(company):
    return f.SlotFactory(company=company, seats=3)


@pytest.fixture
def youth(municipality, consultant):
    return f.YouthFactory(municipality=municipality, contact_consultant=consultant)


@pytest.fixture
def other_youth(other_municipality):
    return f.YouthFactory(municipality=other_municipality)
