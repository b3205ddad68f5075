"""The portal's own table: the live relay between processes (see portal/relay.py)."""

from django.db import models


class LiveRelayMessage(models.Model):
    """A Channels group message written by one process for the web process to pass on to its
    websockets. Only a wake-up for live pages: kept a minute, never the source of truth."""

    origin = models.CharField(max_length=40)
    group = models.CharField(max_length=100)
    message = models.JSONField()
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.group} from {self.origin}"
