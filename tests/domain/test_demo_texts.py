"""The demo's texts say what the screens show: no slot title repeats its kind (the board
already says "løntimer" beside it), and the match day's text states no number of companies
that the list beside it contradicts."""

import re
from io import StringIO

from django.core.management import call_command

from domain.management.commands import demo_data
from domain.models import MatchEvent, Slot

NUMBERS = r"\b(to|tre|fire|fem|seks|syv|otte|ni|ti|\d+) (lokale )?virksomheder\b"


def test_demo_titles_and_event_text_do_not_contradict_the_screens(db, tmp_path, monkeypatch):
    monkeypatch.setattr(demo_data, "invites_file", lambda: tmp_path / "invites.txt")
    call_command("demo_data", stdout=StringIO())
    assert not Slot.objects.filter(title__icontains="løntimer").exists()
    for event in MatchEvent.objects.all():
        assert not re.search(NUMBERS, event.description, re.IGNORECASE), event.description
