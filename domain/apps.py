from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DomainConfig(AppConfig):
    name = "domain"
    # The label the tables, migrations, content types and permissions were created under; it
    # outlived the move of the domain out of the portal package, so nothing was renamed in the
    # database.
    label = "portal"
    verbose_name = _("NExTWORK network")
    default_auto_field = "django.db.models.BigAutoField"
