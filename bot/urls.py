"""The Telegram webhook, served by the same ASGI application as the portal."""

urlpatterns: list = []
