"""Groups and meetings: scoped pages, members, the weekly schedule, attendance, moving and
cancelling a meeting, all through the services."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from domain.models import Attendance, Meeting, NetworkGroup, Youth
from tests import factories as f

LIST = reverse("consultant:groups")


def url(name: str, *args) -> str:
    return reverse(f"consultant:{name}", args=[getattr(a, "pk", a) for a in args])


@pytest.fixture
def group(municipality, consultant):
    group = f.GroupFactory(municipality=municipality, name="Tirsdagsgruppen")
    group.facilitators.add(consultant)
    return group


@pytest.fixture
def foreign_group(other_municipality):
    return f.GroupFactory(municipality=other_municipality, name="Fremmed gruppe")


@pytest.fixture
def member(group, municipality):
    return f.YouthFactory(municipality=municipality, group=group, first_name="Ida")


@pytest.fixture
def meeting(group):
    return f.MeetingFactory(group=group)


# --- permissions ---------------------------------------------------------------------------


def test_list_shows_own_groups_only(client_for, consultant, group, foreign_group):
    page = client_for(consultant).get(LIST).content.decode()
    assert "Tirsdagsgruppen" in page and "Fremmed gruppe" not in page


def test_another_municipalitys_group_and_meeting_are_not_found(
    client_for, consultant, foreign_group
):
    meeting = f.MeetingFactory(group=foreign_group)
    client = client_for(consultant)
    assert client.get(url("group_detail", foreign_group)).status_code == 404
    assert client.post(url("group_member_add", foreign_group)).status_code == 404
    assert client.get(url("meeting_detail", meeting)).status_code == 404
    assert client.post(url("meeting_cancel", meeting)).status_code == 404


def test_company_members_and_anonymous_are_kept_out(client_for, company_member, group):
    assert client_for(company_member).get(url("group_detail", group)).status_code == 403
    assert client_for(None).get(url("group_detail", group)).status_code == 302


def test_admin_opens_any_group(client_for, admin_user, foreign_group):
    assert client_for(admin_user).get(url("group_detail", foreign_group)).status_code == 200


# --- groups and members --------------------------------------------------------------------


def test_creating_a_group(client_for, consultant, municipality):
    response = client_for(consultant).post(
        LIST, {"name": "Onsdagsgruppen", "facilitators": [consultant.pk]}
    )
    created = NetworkGroup.objects.get(name="Onsdagsgruppen")
    assert response.status_code == 302
    assert created.municipality == municipality
    assert list(created.facilitators.all()) == [consultant]


def test_a_taken_name_is_shown_at_the_field(client_for, consultant, group):
    response = client_for(consultant).post(LIST, {"name": "tirsdagsgruppen"})
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()


def test_renaming_a_group(client_for, consultant, group):
    client_for(consultant).post(url("group_edit", group), {"name": "Ny navn"})
    assert NetworkGroup.objects.get(pk=group.pk).name == "Ny navn"


def test_adding_a_member_warns_about_a_small_group(client_for, consultant, group, youth):
    response = client_for(consultant).post(
        url("group_member_add", group), {"youth": youth.pk}, follow=True
    )
    assert Youth.objects.get(pk=youth.pk).group == group
    assert "message--warning" in response.content.decode()


def test_a_youth_of_another_municipality_cannot_be_added(
    client_for, consultant, group, other_youth
):
    response = client_for(consultant).post(
        url("group_member_add", group), {"youth": other_youth.pk}
    )
    assert response.status_code == 400
    assert 'id="member-add-error"' in response.content.decode()
    assert Youth.objects.get(pk=other_youth.pk).group is None


def test_removing_a_member(client_for, consultant, group, member):
    response = client_for(consultant).post(url("group_member_remove", group, member))
    assert response.status_code == 302
    assert Youth.objects.get(pk=member.pk).group is None


def test_removing_someone_who_is_not_a_member_is_not_found(client_for, consultant, group, youth):
    assert client_for(consultant).post(url("group_member_remove", group, youth)).status_code == 404


def test_a_weekly_schedule_generates_meetings(client_for, consultant, group):
    response = client_for(consultant).post(
        url("group_schedule_add", group),
        {
            "weekday": "1",
            "start_time": "16:00",
            "duration_minutes": "90",
            "place": "Ungehuset",
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.filter(group=group, place="Ungehuset").count() >= 10
    page = client_for(consultant).get(url("group_detail", group)).content.decode()
    assert "Ungehuset" in page


def test_a_schedule_without_a_place_is_shown_at_the_field(client_for, consultant, group):
    response = client_for(consultant).post(
        url("group_schedule_add", group),
        {
            "weekday": "1",
            "start_time": "16:00",
            "duration_minutes": "90",
            "place": "",
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert 'id="id_place_error"' in response.content.decode()


# --- meetings ------------------------------------------------------------------------------


def test_taking_attendance(client_for, consultant, group, member):
    started = f.MeetingFactory(group=group, starts_at=timezone.now() - timedelta(hours=1))
    response = client_for(consultant).post(
        url("meeting_detail", started), {f"youth_{member.pk}": "present"}
    )
    assert response.status_code == 302
    assert Attendance.objects.get(meeting=started, youth=member).status == "present"


def test_present_before_the_meeting_is_refused_with_a_message(
    client_for, consultant, meeting, member
):
    response = client_for(consultant).post(
        url("meeting_detail", meeting), {f"youth_{member.pk}": "present"}
    )
    assert response.status_code == 400
    assert "message--error" in response.content.decode()
    assert not Attendance.objects.exists()


def test_attendance_form_lists_the_members(client_for, consultant, meeting, member):
    page = client_for(consultant).get(url("meeting_detail", meeting)).content.decode()
    assert "Ida" in page and f'name="youth_{member.pk}"' in page


def test_moving_a_meeting(client_for, consultant, meeting, member):
    new_start = timezone.localtime() + timedelta(days=5)
    response = client_for(consultant).post(
        url("meeting_move", meeting),
        {"starts_at": new_start.strftime("%Y-%m-%dT%H:%M"), "place": "Biblioteket"},
    )
    assert response.status_code == 302
    moved = Meeting.objects.get(pk=meeting.pk)
    assert moved.place == "Biblioteket"
    assert moved.moved_from is not None


def test_moving_into_the_past_is_shown_at_the_field(client_for, consultant, meeting):
    past = timezone.localtime() - timedelta(days=1)
    response = client_for(consultant).post(
        url("meeting_move", meeting), {"starts_at": past.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 400
    assert 'id="id_starts_at_error"' in response.content.decode()


def test_cancelling_a_meeting(client_for, consultant, meeting):
    response = client_for(consultant).post(url("meeting_cancel", meeting), {"reason": "Sygdom"})
    assert response.status_code == 302
    cancelled = Meeting.objects.get(pk=meeting.pk)
    assert cancelled.status == Meeting.Status.CANCELLED
    assert cancelled.cancel_reason == "Sygdom"


def test_csrf_is_enforced(client_for, consultant, group, meeting, member):
    client = client_for(consultant, csrf=True)
    assert client.post(LIST, {"name": "X"}).status_code == 403
    assert client.post(url("meeting_cancel", meeting)).status_code == 403
    assert client.post(url("group_member_remove", group, member)).status_code == 403


def test_names_render_inert(client_for, consultant, municipality):
    group = f.GroupFactory(municipality=municipality, name="<script>alert(1)</script>")
    for page_url in (LIST, url("group_detail", group)):
        page = client_for(consultant).get(page_url).content.decode()
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("n", [1, 30])
def test_group_page_queries_do_not_grow(
    client_for, consultant, group, municipality, n, django_assert_max_num_queries
):
    for i in range(n):
        f.YouthFactory(municipality=municipality, group=group)
        f.MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=i + 1))
        f.MeetingFactory(group=group, starts_at=timezone.now() - timedelta(days=i + 1))
    client = client_for(consultant)
    with django_assert_max_num_queries(15):
        assert client.get(url("group_detail", group)).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(LIST).status_code == 200


def test_admin_creates_a_group_in_a_chosen_municipality(client_for, admin_user, other_municipality):
    assert 'name="municipality"' in client_for(admin_user).get(LIST).content.decode()
    client_for(admin_user).post(LIST, {"municipality": other_municipality.pk, "name": "Admins"})
    assert NetworkGroup.objects.get(name="Admins").municipality == other_municipality


def test_a_facilitator_of_another_municipality_is_refused(client_for, consultant, other_consultant):
    response = client_for(consultant).post(
        LIST, {"name": "Ny", "facilitators": [other_consultant.pk]}
    )
    assert response.status_code == 400
    assert 'id="id_facilitators_error"' in response.content.decode()
