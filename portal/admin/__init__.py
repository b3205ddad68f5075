"""The Django admin: a superuser's window on every table.

Rows with a life of their own (interests, placements, sign-ups, …) are born and moved only by the
services, which check seats and consent, write the audit entry and tell the people concerned; so
the admin cannot add or delete them, shows their states read-only, and offers the transitions as
actions that call the same services. Change lists select their related rows up front so they cost
the same few queries for 1 or 1,000 rows; audit entries are read-only for everyone, and invite
tokens (only their hash is stored) are never shown.

One module per module of ``domain/models/``; ``base`` holds what they share. Importing them here
registers every table when Django's autodiscovery imports ``portal.admin``.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import (
    audit,
    calendar,
    conversation,
    events,
    groups,
    intake,
    messaging,
    network,
    outcomes,
    placements,
    signin,
    youth,
)

admin.site.site_header = _("NExTWORK administration")
admin.site.site_title = _("NExTWORK administration")
admin.site.index_title = _("Tables")

__all__ = [
    "audit",
    "calendar",
    "conversation",
    "events",
    "groups",
    "intake",
    "messaging",
    "network",
    "outcomes",
    "placements",
    "signin",
    "youth",
]
