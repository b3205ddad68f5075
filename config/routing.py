"""Websocket routes. The consumers (live dashboard, event board) are added by the portal."""

websocket_urlpatterns: list = []
