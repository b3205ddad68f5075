"""The delivery queue's summary: every state counted where the worker leaves it, per
municipality, in a fixed number of queries; the command's table and JSON; the admin page."""

import json
from datetime import UTC, datetime, timedelta
from io import StringIO
from uuid import uuid4

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from domain.models import OutboxMessage
from domain.selectors.outbox import outbox_queue_summary
from tests import factories as f

Kind = OutboxMessage.Kind
Status = OutboxMessage.Status
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def row(youth, **values) -> OutboxMessage:
    values = {"kind": Kind.MEETING_REMINDER, "due_at": NOW - MINUTE, **values}
    return OutboxMessage.objects.create(recipient=youth, dedupe_key=uuid4().hex, **values)


def every_state(youth) -> None:
    """One municipality's queue with each state the worker and scheduler leave, in known
    numbers (see EXPECTED)."""
    row(youth, due_at=NOW - timedelta(minutes=10))  # due now: the oldest, 10 min late
    row(youth, due_at=NOW)  # due now
    # A crashed worker's lapsed lease: due again.
    row(youth, due_at=NOW - 2 * MINUTE, claimed_by="host:9", claimed_until=NOW - MINUTE)
    row(youth, claimed_by="host:1", claimed_until=NOW + MINUTE)  # being sent
    row(  # waiting to retry
        youth,
        due_at=NOW - timedelta(hours=3),
        attempts=2,
        claimed_until=NOW + 3 * MINUTE,
        last_error="server error: Internal Server Error; retry 2 of 5",
    )
    row(  # a late row the worker holds back until the morning
        youth,
        due_at=NOW - timedelta(hours=12),
        claimed_until=NOW + timedelta(hours=8),
        last_error="quiet hours: waits for the morning",
    )
    row(youth, due_at=NOW + timedelta(days=1))  # scheduled later
    row(youth, due_at=NOW + timedelta(days=2))  # scheduled later
    row(youth, status=Status.SENT, sent_at=NOW - timedelta(hours=1), possible_duplicates=1)
    row(youth, status=Status.SENT, sent_at=NOW - timedelta(hours=30), possible_duplicates=2)
    for error in (
        "forbidden: Forbidden: bot was blocked by the user",
        "forbidden: Forbidden: user is deactivated",
        "bad request: Bad Request: chat not found",
        "gave up after 5 attempts: timed out",
        "something odd",
    ):
        row(youth, status=Status.FAILED, last_error=error)
    for error in (
        "quiet hours",
        "quiet hours",
        "already past",
        "expired before sending",
        "overdue",
        "",
    ):
        row(youth, status=Status.SKIPPED, last_error=error)
    row(youth, status=Status.CANCELLED, last_error="youth unreachable")
    row(youth, status=Status.CANCELLED)
    # Sent twice, answered never: counted apart from the failures (they were not received).
    row(youth, status=Status.UNKNOWN, last_error="no answer after 2 attempts: timed out")


EXPECTED = {
    "due_now": 3,
    "being_sent": 1,
    "waiting_retry": 1,
    "held_quiet_hours": 1,
    "scheduled_later": 2,
    "sent_last_24h": 1,
    "sent_total": 2,
    "failed": {
        "forbidden": 2,
        "bad_request": 1,
        "gave_up": 1,
        "refused": 0,
        "other": 1,
        "total": 5,
    },
    "skipped": {
        "quiet_hours": 2,
        "already_past": 1,
        "expired": 1,
        "overdue": 1,
        "other": 1,
        "total": 6,
    },
    "cancelled": 2,
    "delivery_unknown": 1,
    "possible_duplicates": 3,
    "oldest_due_at": NOW - timedelta(minutes=10),
    "lag_seconds": 600,
    "unreachable_youth": 1,
}


@pytest.fixture
def queue(municipality, other_municipality):
    """Roskilde has every state; Vejle one due row, 30 s late, and no unreachable youth."""
    every_state(f.YouthFactory(municipality=municipality))
    f.YouthFactory(municipality=municipality, unreachable_at=NOW - timedelta(days=1))
    # Erased youth are no longer anybody's concern.
    f.YouthFactory(
        municipality=municipality,
        unreachable_at=NOW - timedelta(days=1),
        erased_at=NOW,
        telegram_user_id=None,
    )
    row(f.YouthFactory(municipality=other_municipality), due_at=NOW - timedelta(seconds=30))


def test_every_state_is_counted_for_its_municipality(queue, municipality, other_municipality):
    summary = outbox_queue_summary(now=NOW)
    roskilde, vejle = sorted(summary["municipalities"], key=lambda m: m["slug"])
    assert (roskilde["id"], roskilde["slug"], roskilde["name"]) == (
        municipality.pk,
        "roskilde",
        "Roskilde",
    )
    assert {k: v for k, v in roskilde.items() if k not in ("id", "slug", "name")} == EXPECTED
    assert vejle["due_now"] == 1 and vejle["lag_seconds"] == 30
    assert vejle["unreachable_youth"] == 0 and vejle["sent_total"] == 0
    assert vejle["failed"]["total"] == 0


def test_overall_adds_the_municipalities_up(queue):
    overall = outbox_queue_summary(now=NOW)["overall"]
    assert overall["due_now"] == 4
    assert overall["failed"] == EXPECTED["failed"]
    assert overall["skipped"]["total"] == 6
    # The oldest row anywhere, and the longest lag.
    assert overall["oldest_due_at"] == NOW - timedelta(minutes=10)
    assert overall["lag_seconds"] == 600
    assert overall["unreachable_youth"] == 1
    assert overall["possible_duplicates"] == 3


def test_one_municipality_alone(queue, other_municipality):
    summary = outbox_queue_summary(now=NOW, municipality=other_municipality)
    assert [m["slug"] for m in summary["municipalities"]] == ["vejle"]
    assert summary["overall"]["due_now"] == 1
    assert summary["overall"]["failed"]["total"] == 0


def test_an_empty_queue_has_no_lag(municipality):
    summary = outbox_queue_summary(now=NOW)
    assert summary["overall"]["lag_seconds"] is None
    assert summary["overall"]["oldest_due_at"] is None
    assert summary["municipalities"][0]["due_now"] == 0


def test_time_moves_rows_from_later_to_due(queue):
    later = outbox_queue_summary(now=NOW + timedelta(days=1, minutes=1))["overall"]
    assert later["scheduled_later"] == 1
    # The claims ran out too: the rows being sent, retrying and held are due again.
    assert later["being_sent"] == later["waiting_retry"] == later["held_quiet_hours"] == 0
    assert later["due_now"] == 4 + 3 + 1


@pytest.mark.parametrize("places", [1, 3])
def test_the_summary_takes_three_queries_however_many_municipalities(
    places, db, django_assert_max_num_queries
):
    for _ in range(places):
        every_state(f.YouthFactory(municipality=f.MunicipalityFactory()))
    with django_assert_max_num_queries(3):
        summary = outbox_queue_summary(now=NOW)
    assert len(summary["municipalities"]) == places
    assert summary["overall"]["due_now"] == 3 * places


# --- manage.py outbox_status ---------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("outbox_status", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def now_fixed(time_machine):
    time_machine.move_to(NOW, tick=False)


def test_the_command_prints_a_table_per_municipality_and_overall(queue, now_fixed):
    output = run()
    lines = output.splitlines()
    assert lines[0] == "Delivery queue at 2026-11-22 09:00:00 UTC"
    header = lines[2].split()
    assert header == ["roskilde", "vejle", "e-mail", "all"]
    table = {line[:26].strip(): line[26:].split() for line in lines[3:]}
    assert table["due now"] == ["3", "1", "0", "4"]
    assert table["being sent"] == ["1", "0", "0", "1"]
    assert table["waiting to retry"] == ["1", "0", "0", "1"]
    assert table["held for quiet hours"] == ["1", "0", "0", "1"]
    assert table["forbidden (403)"] == ["2", "0", "0", "2"]
    assert table["quiet hours"] == ["2", "0", "0", "2"]
    assert table["unreachable youth"] == ["1", "0", "0", "1"]
    assert table["possible duplicates"] == ["3", "0", "0", "3"]
    # Apart: a message that may have arrived is not among those that did not.
    assert table["delivery unknown"] == ["1", "0", "0", "1"]
    assert table["failed (not received)"] == ["5", "0", "0", "5"]
    assert "10 min 0 s" in next(line for line in lines if line.startswith("lag"))


@pytest.mark.parametrize("name", ["slug", "pk"])
def test_the_command_shows_one_municipality_by_slug_or_id(queue, other_municipality, name):
    output = run("--municipality", str(getattr(other_municipality, name)))
    assert output.splitlines()[2].split() == ["vejle"]
    assert "roskilde" not in output


def test_the_command_prints_json_for_machines(queue, now_fixed):
    data = json.loads(run("--json"))
    assert data["generated_at"] == NOW.isoformat()
    assert data["overall"]["due_now"] == 4
    roskilde = next(m for m in data["municipalities"] if m["slug"] == "roskilde")
    assert roskilde["failed"] == EXPECTED["failed"]
    assert roskilde["oldest_due_at"] == (NOW - timedelta(minutes=10)).isoformat()


@pytest.mark.parametrize("value", ["atlantis", "999999", "99999999999999999999999"])
def test_an_unknown_municipality_is_a_clear_error(municipality, value):
    with pytest.raises(CommandError, match="No municipality with the slug or id"):
        run("--municipality", value)


# --- the admin --------------------------------------------------------------------------------


QUEUE_URL = reverse("admin:portal_outboxmessage_queue")


def test_the_admin_queue_page_shows_the_summary_to_superusers(client, admin_user, queue):
    client.force_login(admin_user)
    response = client.get(QUEUE_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="delivery-queue"' in page
    assert "Roskilde" in page and "Vejle" in page
    assert [str(c) for c in response.context["columns"]][:2] == ["Roskilde", "Vejle"]
    # The first row is "due now": Roskilde's, Vejle's and all of them.
    roskilde, vejle, everything = response.context["rows"][0][1]
    assert vejle == 1 and everything == roskilde + vejle
    with translation.override("en"):
        rows = {str(label): values for label, values in response.context["rows"]}
    assert rows["Delivery unknown (sent, no answer: may have arrived)"] == [1, 0, 1]
    assert rows["Failed (not received)"] == [5, 0, 5]


def test_the_changelist_links_the_queue_page(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:portal_outboxmessage_changelist")).content.decode()
    assert QUEUE_URL in page


@pytest.mark.parametrize("who", ["consultant", "company_member"])
def test_the_queue_page_is_not_for_portal_users(client, request, who):
    person = request.getfixturevalue(who)
    client.force_login(person.user)
    response = client.get(QUEUE_URL)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_staff_without_the_view_permission_are_refused(client, db):
    staff = f.UserFactory(username="staff", is_staff=True)
    client.force_login(staff)
    assert client.get(QUEUE_URL).status_code == 403


def test_the_delivery_filter_finds_rows_being_sent_and_waiting_to_retry(
    client, admin_user, youth, time_machine
):
    time_machine.move_to(NOW, tick=False)
    sending = row(youth, claimed_by="host:1", claimed_until=NOW + MINUTE)
    retrying = row(youth, claimed_until=NOW + MINUTE, last_error="timed out; retry 1 of 5")
    row(youth, claimed_until=NOW + MINUTE, last_error="quiet hours: waits for the morning")
    row(youth)  # due, not claimed
    client.force_login(admin_user)
    url = reverse("admin:portal_outboxmessage_changelist")
    for value, expected in (("sending", sending), ("retry", retrying)):
        listed = client.get(url, {"delivery": value}).context["cl"].result_list
        assert [m.pk for m in listed] == [expected.pk]


def test_the_youth_admin_filters_unreachable_youth(client, admin_user, municipality):
    blocked = f.YouthFactory(municipality=municipality, unreachable_at=NOW)
    fine = f.YouthFactory(municipality=municipality)
    client.force_login(admin_user)
    url = reverse("admin:portal_youth_changelist")
    assert [y.pk for y in client.get(url, {"unreachable": "yes"}).context["cl"].result_list] == [
        blocked.pk
    ]
    assert [y.pk for y in client.get(url, {"unreachable": "no"}).context["cl"].result_list] == [
        fine.pk
    ]
