"""The Telegram webhook, served by the same ASGI application as the portal."""

from django.urls import path

from bot.webhook import webhook

app_name = "bot"
urlpatterns = [path("webhook/", webhook, name="webhook")]
