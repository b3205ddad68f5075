"""The ASGI application: HTTP goes to Django, websockets to Channels."""

import os

from django.core.asgi import get_asgi_application
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Django must be set up before anything imports models (the websocket routes will).
try:
    django_asgi_app = get_asgi_application()
except ImproperlyConfigured as error:
    from config.startup import refusal_for

    raise refusal_for(error) from None

from config.startup import refuse_broken_production, warm_up

refuse_broken_production()
warm_up()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import (  # noqa: E402
    AllowedHostsOriginValidator,
    WebsocketDenier,
)
from django.conf import settings  # noqa: E402
from django.urls import re_path, reverse  # noqa: E402 (after Django is set up, above)

from bot.webhook import webhook_endpoint  # noqa: E402 (imports models: after set-up)
from config.capacity import InFlightLimit  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402

WEBHOOK_PATH = reverse("bot:webhook")


async def http_application(scope: dict, receive, send) -> None:
    """Django, but for the Telegram webhook: it goes straight to its endpoint, past Django's
    middleware (see ``bot.webhook.webhook_endpoint``)."""
    if scope["path"] == WEBHOOK_PATH:
        await webhook_endpoint(scope, receive, send)
    else:
        await django_asgi_app(scope, receive, send)


application = ProtocolTypeRouter(
    {
        # A bounded number of requests in Django at once; the rest wait, then get a 503.
        "http": InFlightLimit(
            http_application, limit=settings.WEB_MAX_IN_FLIGHT, wait=settings.WEB_QUEUE_TIMEOUT
        ),
        "websocket": AllowedHostsOriginValidator(
            # Channels' router raises on an unknown path; close such sockets politely instead.
            AuthMiddlewareStack(
                URLRouter([*websocket_urlpatterns, re_path(r"", WebsocketDenier.as_asgi())])
            )
        ),
    }
)
