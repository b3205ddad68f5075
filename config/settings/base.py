"""Django core settings: apps, database, time zone, languages, static files, logging."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import BASE_DIR, DEBUG, VAR_DIR, env

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0.")
    # Only ever used on a developer's machine with DEBUG on.
    SECRET_KEY = "embedded-default-insecure-key-for-local-development-only-0123456789"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "domain",
    "portal",
    "api",
    "bot",
    "worker",
    "standin",
]

MIDDLEWARE = [
    # First: a view that could not get a database connection answers 503 + Retry-After.
    "config.capacity.DatabaseBusyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second factor (django-otp)?
    "django_otp.middleware.OTPMiddleware",
    # Staff (and anyone with a device) are sent to the second factor before any page.
    "portal.twofactor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last of the real ones, as django-axes asks: it turns a locked-out login into its
    # lock-out answer.
    "axes.middleware.AxesMiddleware",
    # Sync only, innermost: the stack above runs in the request's one thread (see its doc).
    "config.middleware.OneThreadMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.csp_nonce",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# The embedded default is SQLite under var/; DATABASE_URL switches to PostgreSQL.
VAR_DIR.mkdir(exist_ok=True)
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    # Built directly, never as a URL: a checkout path may hold '#', '?' or '%41', which a URL
    # parser would cut off or decode, putting the database somewhere else.
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "nextwork.sqlite3"}
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, bot and worker are separate processes writing one file: WAL, a busy timeout and
    # BEGIN IMMEDIATE keep writers from failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    # Under ASGI every request may run in another thread; persistent connections leak there.
    # Instead each process keeps a bounded pool: a thread borrows a connection for one request
    # and gives it back, so a rush of requests waits for a connection (and after
    # DATABASE_POOL_TIMEOUT gets a 503, see config/capacity.py) instead of opening one each
    # until PostgreSQL refuses ("too many clients"). Size every process's pool so that their
    # sum stays under the server's max_connections (docs/deploy.md).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The pool checks a connection before lending it (one empty round trip), so a connection
    # PostgreSQL dropped (a restart, a terminated backend) is replaced instead of failing a
    # request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
    }
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str(
        "DJANGO_TEST_DATABASE", default=None
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Logging in ---------------------------------------------------------------------------------
# django-axes first: it counts failed logins (portal, admin, API token) and refuses locked ones.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("NEXTWORK_LOGIN_FAILURE_LIMIT", default=5)
# Hours; a locked username may try again after this.
AXES_COOLOFF_TIME = env.float("NEXTWORK_LOGIN_COOLOFF_HOURS", default=0.25)
# Lock the username from that address, so nobody can lock a colleague out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind the TLS proxy the client address is in X-Forwarded-For; uvicorn's --proxy-headers
# (FORWARDED_ALLOW_IPS) already puts it in REMOTE_ADDR, so axes reads REMOTE_ADDR only.
# A locked-out login gets the portal's kind page (how long to wait, a new password) as a 429.
AXES_LOCKOUT_CALLABLE = "portal.views.auth.locked_out"
LOGIN_URL = "login"
# The front page sends each user on to their own start page (company or consultant).
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Passwords ----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Time and language --------------------------------------------------------------------------
TIME_ZONE = "Europe/Copenhagen"
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
# Our own date formats per language ("7. dec. kl. 01.12" / "7 Dec, 01:12"): config/formats/.
FORMAT_MODULE_PATH = ["config.formats"]
# One catalogue per package, so each part's texts are reviewed together. makemessages files a
# source file's strings under the catalogue whose package holds it (portal's for the rest).
LOCALE_PATHS = [
    BASE_DIR / "portal" / "locale",
    BASE_DIR / "domain" / "locale",
    BASE_DIR / "api" / "locale",
    BASE_DIR / "bot" / "locale",
]

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing one
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve straight from the apps' folders when nobody ran collectstatic (the embedded default).
WHITENOISE_USE_FINDERS = DEBUG

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# --- The product's own knobs --------------------------------------------------------------------
NEXTWORK_INVITE_TTL_DAYS = env.int("NEXTWORK_INVITE_TTL_DAYS", default=14)
NEXTWORK_CONSENT_VERSION = env.str("NEXTWORK_CONSENT_VERSION", default="2026-1")
NEXTWORK_RETENTION_DAYS = env.int("NEXTWORK_RETENTION_DAYS", default=730)
# Version of the text a youth accepts when leaving to be asked later how it goes (its own
# purpose, apart from the programme's consent).
NEXTWORK_FOLLOWUP_CONSENT_VERSION = env.str("NEXTWORK_FOLLOWUP_CONSENT_VERSION", default="2026-1")
NEXTWORK_MEETING_HORIZON_WEEKS = env.int("NEXTWORK_MEETING_HORIZON_WEEKS", default=12)
# How long a web process keeps a municipality's outcome measures (statistics page) while nothing
# in the municipality changes; 0 computes them on every view (domain/selectors/outcomes.py).
NEXTWORK_STATISTICS_CACHE_SECONDS = env.int("NEXTWORK_STATISTICS_CACHE_SECONDS", default=600)

# --- Capacity of one web process ----------------------------------------------------------------
# Requests handled at once by one web process (each holds a thread and, while it queries, a
# pooled connection); more wait their turn, and one that waited WEB_QUEUE_TIMEOUT seconds is
# answered 503 with Retry-After. By default as many as the database pool holds.
WEB_MAX_IN_FLIGHT = env.int(
    "WEB_MAX_IN_FLIGHT",
    default=DATABASES["default"].get("OPTIONS", {}).get("pool", {}).get("max_size", 10),
)
WEB_QUEUE_TIMEOUT = env.float("WEB_QUEUE_TIMEOUT", default=30.0)
# What a 503 asks the client to wait before trying again.
WEB_RETRY_AFTER_SECONDS = 5
