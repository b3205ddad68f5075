"""Ending a network group from its page: a confirmation that says what happens, then a POST
with CSRF; its coming meetings are cancelled."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from domain.models import Meeting, NetworkGroup
from tests import factories as f
from tests.helpers import snapshot


def url(name: str, group) -> str:
    return reverse(f"consultant:{name}", args=[group.pk])


@pytest.fixture
def group(municipality, consultant):
    group = f.GroupFactory(municipality=municipality, name="Tirsdagsgruppen")
    group.facilitators.add(consultant)
    return group


@pytest.fixture
def coming(group):
    return f.MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=3))


def test_the_group_page_links_to_the_confirmation(client_for, consultant, group):
    page = client_for(consultant).get(url("group_detail", group)).content.decode()
    assert f'href="{url("group_deactivate", group)}"' in page


def test_the_confirmation_names_the_consequence_and_changes_nothing(
    client_for, consultant, group, coming
):
    response = client_for(consultant).get(url("group_deactivate", group))
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 coming meeting is cancelled" in page or "1 kommende møde aflyses" in page
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    assert NetworkGroup.objects.get(pk=group.pk).is_active


def test_ending_a_group_cancels_its_coming_meetings(client_for, consultant, group, coming):
    response = client_for(consultant).post(url("group_deactivate", group), follow=True)
    assert response.redirect_chain[-1][0] == url("group_detail", group)
    assert not NetworkGroup.objects.get(pk=group.pk).is_active
    assert Meeting.objects.get(pk=coming.pk).status == Meeting.Status.CANCELLED
    page = response.content.decode()
    assert "message--success" in page
    assert f'href="{url("group_deactivate", group)}"' not in page
    assert f'action="{url("group_member_add", group)}"' not in page
    assert f'action="{url("group_schedule_add", group)}"' not in page


def test_ending_an_ended_group_says_why_not(client_for, consultant, group):
    client = client_for(consultant)
    client.post(url("group_deactivate", group))
    response = client.get(url("group_deactivate", group))
    assert response.status_code == 302
    assert response["Location"] == url("group_detail", group)
    response = client.post(url("group_deactivate", group), follow=True)
    assert response.redirect_chain[-1][0] == url("group_detail", group)
    assert "message--error" in response.content.decode()


def test_another_municipalitys_group_is_not_found(client_for, consultant, other_municipality):
    foreign = f.GroupFactory(municipality=other_municipality)
    client = client_for(consultant)
    assert client.get(url("group_deactivate", foreign)).status_code == 404
    assert client.post(url("group_deactivate", foreign)).status_code == 404
    assert NetworkGroup.objects.get(pk=foreign.pk).is_active


def test_admin_ends_any_group(client_for, admin_user, other_municipality):
    foreign = f.GroupFactory(municipality=other_municipality)
    assert client_for(admin_user).post(url("group_deactivate", foreign)).status_code == 302
    assert not NetworkGroup.objects.get(pk=foreign.pk).is_active


@pytest.mark.parametrize("who", ["company_member", "other_company_member"])
def test_company_members_are_refused(client_for, request, group, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(url("group_deactivate", group)).status_code == 403
    assert client.post(url("group_deactivate", group)).status_code == 403
    assert NetworkGroup.objects.get(pk=group.pk).is_active


def test_anonymous_is_sent_to_login(client_for, group):
    response = client_for(None).post(url("group_deactivate", group))
    assert response.status_code == 302
    assert "next=" in response["Location"]
    assert NetworkGroup.objects.get(pk=group.pk).is_active


def test_csrf_is_enforced_and_nothing_changes(client_for, consultant, group, coming):
    before = snapshot(NetworkGroup, Meeting)
    assert client_for(consultant, csrf=True).post(url("group_deactivate", group)).status_code == 403
    assert snapshot(NetworkGroup, Meeting) == before


def test_the_name_renders_inert(client_for, consultant, municipality):
    group = f.GroupFactory(municipality=municipality, name="<script>alert(1)</script>")
    page = client_for(consultant).get(url("group_deactivate", group)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
