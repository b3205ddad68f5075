"""The REST API (DRF): authentication, permissions, throttling, pagination, errors, OpenAPI."""

from .env import env

REST_FRAMEWORK = {
    # Tokens for machine clients, session (with CSRF) for the portal's own pages. Token first:
    # DRF takes the WWW-Authenticate header from the first class, so an anonymous caller gets a
    # 401 (session authentication has no such header and would make it a 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="1200/minute"),
    },
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # Request bodies are JSON only: no operation uploads a file, and offering form and multipart
    # bodies beside JSON trips client generators (openapi-python-client fails to import them).
    # A future upload view sets its own parser_classes.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# Anonymous writes, per client address (per Telegram account for invite links), counted by the
# one limiter of domain/ratelimit.py that the portal, the API and the bot share.
NEXTWORK_RATE_LIMITS = {
    # Logins (portal, admin, API token), on top of django-axes' lock-out of a username.
    "login": env.str("API_THROTTLE_LOGIN", default="20/minute"),
    # Company self-registration: a handful an hour per address is plenty.
    "register": env.str("API_THROTTLE_REGISTER", default="10/hour"),
    # Each request may send an e-mail to someone else's address.
    "password_reset": env.str("NEXTWORK_RATE_PASSWORD_RESET", default="5/hour"),
    # Second-factor codes per user (a six-digit code must not be guessable by trying).
    "otp_verify": env.str("NEXTWORK_RATE_OTP", default="5/minute"),
    # Invite links tried in the bot: a real person needs one or two.
    "invite_redeem": env.str("NEXTWORK_RATE_INVITE_REDEEM", default="10/hour"),
}

# The schema and the interactive docs are for logged-in callers unless this says otherwise.
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=False)

SPECTACULAR_SETTINGS = {
    "TITLE": "NExTWORK API",
    "DESCRIPTION": "The youth employment network of Danish municipalities.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from drf-spectacular-sidecar: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.integer_path_ids",
    ],
}
