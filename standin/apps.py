from django.apps import AppConfig


class StandinConfig(AppConfig):
    name = "standin"
    verbose_name = "Telegram stand-in (development and tests)"
