"""The approval queue: scoped, approve and reject through the services, errors where they
belong, CSRF enforced, bounded queries."""

import pytest
from django.urls import reverse

from domain.models import AuditEntry, Placement
from tests import factories as f

P = Placement.Status
QUEUE = reverse("consultant:approvals")


def detail(placement) -> str:
    return reverse("consultant:approval", args=[placement.pk])


def approve(placement) -> str:
    return reverse("consultant:approve", args=[placement.pk])


@pytest.fixture
def proposed(youth, slot):
    interest = f.AcceptedInterestFactory(youth=youth, slot=slot)
    return f.PlacementFactory(youth=youth, slot=slot, interest=interest)


@pytest.fixture
def foreign(other_youth, other_company):
    return f.PlacementFactory(youth=other_youth, slot=f.SlotFactory(company=other_company))


def test_queue_lists_the_own_municipalitys_proposals_only(
    client_for, consultant, proposed, foreign
):
    page = client_for(consultant).get(QUEUE).content.decode()
    assert detail(proposed) in page
    assert detail(foreign) not in page


def test_admin_sees_every_proposal(client_for, admin_user, proposed, foreign):
    page = client_for(admin_user).get(QUEUE).content.decode()
    assert detail(proposed) in page and detail(foreign) in page


def test_company_members_may_not_open_the_queue(client_for, company_member, proposed):
    assert client_for(company_member).get(QUEUE).status_code == 403
    assert client_for(company_member).get(detail(proposed)).status_code == 403
    assert client_for(company_member).post(approve(proposed)).status_code == 403


def test_anonymous_is_sent_to_login(client_for, proposed):
    assert client_for(None).post(approve(proposed)).status_code == 302
    assert Placement.objects.get(pk=proposed.pk).status == P.PROPOSED


def test_another_municipalitys_proposal_is_not_found(client_for, consultant, foreign):
    assert client_for(consultant).get(detail(foreign)).status_code == 404
    assert client_for(consultant).post(approve(foreign)).status_code == 404
    assert Placement.objects.get(pk=foreign.pk).status == P.PROPOSED


def test_detail_shows_free_seats_and_the_youths_history(client_for, consultant, proposed):
    f.PlacementFactory(
        youth=f.YouthFactory(municipality=proposed.youth.municipality),
        slot=proposed.slot,
        status=P.APPROVED,
    )
    page = client_for(consultant).get(detail(proposed)).content.decode()
    assert "2 af 3 pladser ledige" in page or "2 of 3 seats free" in page
    assert proposed.slot.title in page
    assert AuditEntry.objects.filter(action="youth.read", target_id=proposed.youth_id).exists()


def test_approving_approves_and_returns_to_the_queue(client_for, consultant, proposed):
    response = client_for(consultant).post(approve(proposed))
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    assert Placement.objects.get(pk=proposed.pk).status == P.APPROVED


def test_approving_a_full_slot_is_refused_with_a_message(client_for, consultant, proposed):
    for _ in range(proposed.slot.seats):
        f.PlacementFactory(
            youth=f.YouthFactory(municipality=proposed.youth.municipality),
            slot=proposed.slot,
            status=P.APPROVED,
        )
    response = client_for(consultant).post(approve(proposed), follow=True)
    assert Placement.objects.get(pk=proposed.pk).status == P.PROPOSED
    assert response.redirect_chain[-1][0] == detail(proposed)
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and "message--error" in response.content.decode()


def test_rejecting_needs_a_reason_shown_at_the_field(client_for, consultant, proposed):
    response = client_for(consultant).post(detail(proposed), {"reason": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_reason_error"' in page
    assert 'aria-invalid="true"' in page
    assert Placement.objects.get(pk=proposed.pk).status == P.PROPOSED


def test_rejecting_with_a_reason(client_for, consultant, proposed):
    response = client_for(consultant).post(detail(proposed), {"reason": "Timerne passer ikke"})
    assert response.status_code == 302
    stored = Placement.objects.get(pk=proposed.pk)
    assert stored.status == P.REJECTED
    assert stored.reject_reason == "Timerne passer ikke"


def test_approving_a_decided_placement_says_why(client_for, consultant, youth, slot):
    decided = f.PlacementFactory(youth=youth, slot=slot, status=P.REJECTED, reject_reason="x")
    response = client_for(consultant).post(approve(decided), follow=True)
    assert Placement.objects.get(pk=decided.pk).status == P.REJECTED
    assert "message--error" in response.content.decode()


def test_csrf_is_enforced(client_for, consultant, proposed):
    client = client_for(consultant, csrf=True)
    assert client.post(approve(proposed)).status_code == 403
    assert client.post(detail(proposed), {"reason": "Nej"}).status_code == 403
    assert Placement.objects.get(pk=proposed.pk).status == P.PROPOSED


def test_texts_render_inert(client_for, consultant, youth, company):
    slot = f.SlotFactory(company=company, title="<script>alert(1)</script>", seats=2)
    placement = f.PlacementFactory(youth=youth, slot=slot)
    for url in (QUEUE, detail(placement)):
        page = client_for(consultant).get(url).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;" in page


@pytest.mark.parametrize("n", [1, 30])
def test_queue_queries_do_not_grow(
    client_for, consultant, municipality, slot, n, django_assert_max_num_queries
):
    for _ in range(n):
        f.PlacementFactory(youth=f.YouthFactory(municipality=municipality), slot=slot)
    client = client_for(consultant)
    # Five, one for the count of the paginated queue, one for the second factor's device.
    with django_assert_max_num_queries(7):
        assert client.get(QUEUE).status_code == 200
