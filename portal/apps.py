from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("NExTWORK network")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Subscribers of domain events register themselves on import.
        from portal import subscribers  # noqa: F401
