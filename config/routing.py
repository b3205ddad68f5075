"""Websocket routes: the portal's live views (see portal/consumers.py)."""

from django.urls import path

from portal import consumers

websocket_urlpatterns = [
    path("ws/dashboard/", consumers.DashboardConsumer.as_asgi()),
    path("ws/company/", consumers.CompanyConsumer.as_asgi()),
    path("ws/events/<int:event_id>/board/", consumers.EventBoardConsumer.as_asgi()),
]
