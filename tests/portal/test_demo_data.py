"""The demo command fills an empty database once; a second run changes nothing."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from portal.management.commands import demo_data
from portal.models import Interest, MatchEvent, Placement, Slot, Youth, YouthSignup


def counts() -> dict[str, int]:
    return {
        m.__name__: m._default_manager.count() for m in apps.get_app_config("portal").get_models()
    }


@pytest.fixture(autouse=True)
def invites_file(tmp_path, monkeypatch):
    path = tmp_path / "demo-invites.txt"
    monkeypatch.setattr(demo_data, "INVITES_FILE", path)
    return path


def test_demo_data_loads_a_believable_network_and_is_idempotent(db, invites_file):
    first = StringIO()
    call_command("demo_data", stdout=first)
    after_first = counts()

    second = StringIO()
    call_command("demo_data", stdout=second)
    assert counts() == after_first
    assert "already loaded" in second.getvalue()

    assert after_first["Municipality"] == 2
    assert after_first["Company"] == 12
    assert after_first["NetworkGroup"] == 2
    assert set(Slot.objects.values_list("kind", flat=True)) == {"internship", "paid_hours"}
    assert Slot.objects.values("sector").distinct().count() >= 10
    assert set(Youth.objects.values_list("status", flat=True)) == {
        "invited",
        "active",
        "paused",
        "left",
    }
    assert set(Interest.objects.values_list("status", flat=True)) >= {
        "pending",
        "company_accepted",
        "company_declined",
    }
    assert set(Placement.objects.values_list("status", flat=True)) >= {
        "proposed",
        "approved",
        "active",
        "completed",
        "ended_early",
    }
    event = MatchEvent.objects.get()
    assert event.status == "published"
    assert YouthSignup.objects.filter(event=event, status="waitlisted").exists()
    for login in ["mette", "sofie", "bageriet", "admin"]:
        assert login in first.getvalue()
    assert "start=" in invites_file.read_text()
