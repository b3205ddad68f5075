from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    label = "web"  # "portal" is the domain's label (domain/apps.py)
    verbose_name = "Web portal"

    def ready(self) -> None:
        # Subscribers of domain events register themselves on import.
        from portal import subscribers  # noqa: F401
