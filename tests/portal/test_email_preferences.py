"""The e-mail preferences page: each user chooses for themselves, per kind; what waits for a
digest follows the choice."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from domain.models import EmailPreferences, OutboxMessage
from domain.services.mail import email_notify

URL = reverse("email_preferences")
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
Kind = OutboxMessage.Kind


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_anonymous_visitors_are_sent_to_the_login(client_for, db):
    response = client_for(None).get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_company_member_chooses_among_the_companys_kinds(client_for, company_member):
    response = client_for(company_member).get(URL)
    assert response.status_code == 200
    assert b'name="mode_interest_received"' in response.content
    assert b'name="mode_network_requested"' not in response.content


def test_a_consultant_chooses_among_the_consultants_kinds(client_for, consultant):
    response = client_for(consultant).get(URL)
    assert b'name="mode_network_requested"' in response.content
    assert b'name="mode_interest_received"' not in response.content


def _form(**modes) -> dict:
    data = {"language": "en", "digest_hour": "7"}
    data.update({f"mode_{kind}": "now" for kind in (
        "interest_received", "interest_unanswered", "interest_closed", "placement_approved",
        "placement_rejected", "event_changed", "event_cancelled", "network_answered",
    )})  # fmt: skip
    data.update({f"mode_{kind}": mode for kind, mode in modes.items()})
    return data


def test_saving_changes_only_ones_own_preferences_and_moves_what_waits(
    client_for, company_member, other_company_member
):
    email_preferences = EmailPreferences.objects.create(
        user=company_member.user, modes={Kind.INTEREST_RECEIVED: "digest"}
    )
    waiting = email_notify(
        user=company_member.user,
        kind=Kind.INTEREST_RECEIVED,
        payload={"slot": "Bager", "interest_id": 1},
        dedupe_key="x",
    )
    closed = email_notify(
        user=company_member.user,
        kind=Kind.INTEREST_CLOSED,
        payload={"slot": "Bager", "interest_id": 1},
        dedupe_key="y",
    )
    EmailPreferences.objects.filter(pk=email_preferences.pk).update(
        modes={Kind.INTEREST_RECEIVED: "digest", Kind.INTEREST_CLOSED: "digest"}
    )
    OutboxMessage.objects.filter(pk=closed.pk).update(digest=True, due_at=waiting.due_at)

    response = client_for(company_member).post(
        URL, _form(interest_received="digest", interest_closed="off")
    )
    assert response.status_code == 302
    prefs = EmailPreferences.objects.get(user=company_member.user)
    assert (prefs.language, prefs.digest_hour) == ("en", 7)
    assert prefs.mode_for(Kind.INTEREST_RECEIVED) == "digest"
    assert prefs.mode_for(Kind.INTEREST_CLOSED) == "off"
    waiting.refresh_from_db()
    closed.refresh_from_db()
    assert waiting.due_at == datetime(2026, 12, 3, 6, 0, tzinfo=UTC)  # tomorrow 07:00 local
    assert closed.status == OutboxMessage.Status.CANCELLED
    assert not EmailPreferences.objects.filter(user=other_company_member.user).exists()


def test_a_bad_choice_is_a_form_error(client_for, company_member):
    response = client_for(company_member).post(URL, _form(interest_received="sometimes"))
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not EmailPreferences.objects.exists()


def test_a_youth_never_reaches_the_page_and_a_user_without_a_role_is_refused(client_for, db):
    from tests import factories as f

    assert client_for(f.UserFactory()).get(URL).status_code == 403
