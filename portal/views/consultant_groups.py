"""Network groups: members, the weekly schedule and the meetings it generates, attendance,
and moving or cancelling a meeting."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from domain.models import Attendance, Meeting, NetworkGroup, Youth
from domain.selectors.groups import (
    group_get_for_user,
    groups_visible_to_user,
    meeting_get_for_user,
    meetings_visible_to_user,
)
from domain.selectors.youth import youth_visible_to_user
from domain.services.groups import (
    group_create,
    group_deactivate,
    group_member_add,
    group_member_remove,
    group_update,
    schedule_add,
)
from domain.services.meetings import attendance_record, meeting_cancel, meeting_move
from portal.errors import attempt, get_or_404
from portal.forms.consultant import (
    GroupForm,
    MeetingMoveForm,
    MemberAddForm,
    OptionalReasonForm,
    ScheduleForm,
)
from portal.held import tell_held_pushes
from portal.views.consultant_common import (
    consultant_page,
    local_time,
    own_municipality,
)

PAST_MEETINGS = 10
# The member picker is a name search (a municipality has hundreds of youth): it shows at most
# this many matches and asks for more of the name beyond.
MEMBER_MATCHES = 20
# Words of a search that count; more only slow the query.
SEARCH_WORDS = 3
# The services' argument names where the forms call a field otherwise.
FORM_FIELDS = {"facilitator_ids": "facilitators"}


def _candidates(user, group: NetworkGroup):
    """Youth of the group's municipality who are not in it and have not left."""
    return (
        youth_visible_to_user(user=user)
        .filter(municipality_id=group.municipality_id)
        .exclude(group=group)
        .exclude(status=Youth.Status.LEFT)
    )


def _member_matches(user, group: NetworkGroup, query: str) -> dict:
    """Candidates whose first or last name holds every word of ``query``, by name, at most
    ``MEMBER_MATCHES`` (and whether there are more); nothing for an empty search."""
    words = query.split()[:SEARCH_WORDS]
    if not words:
        return {"query": "", "matches": [], "more": False}
    candidates = _candidates(user, group)
    for word in words:
        candidates = candidates.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    found = list(candidates.order_by("first_name", "last_name", "pk")[: MEMBER_MATCHES + 1])
    return {"query": query, "matches": found[:MEMBER_MATCHES], "more": len(found) > MEMBER_MATCHES}


@consultant_page
def group_list(request: HttpRequest) -> HttpResponse:
    municipality = own_municipality(request.user)
    form = GroupForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = attempt(
            request,
            lambda: group_create(
                municipality=municipality or data["municipality"],
                actor=request.user,
                name=data["name"],
                facilitator_ids=[c.pk for c in data["facilitators"]],
            ),
            form=form,
            fields=FORM_FIELDS,
            success=_("The group is created. Give it a weekly meeting time."),
        )
        if created is not None:
            return redirect("consultant:group_detail", group_id=created.pk)
    groups = groups_visible_to_user(user=request.user)
    return render(
        request,
        "portal/consultant/groups.html",
        {"groups": groups, "form": form},
        status=400 if form.errors else 200,
    )


def _render_group(request, group_id: int, **forms_and_status) -> HttpResponse:
    status = forms_and_status.pop("status", 200)
    group = get_or_404(group_get_for_user, user=request.user, group_id=group_id)
    past = list(
        meetings_visible_to_user(user=request.user)
        .filter(group=group, starts_at__lte=timezone.now())
        # A meeting that has taken place reads "held" or "attendance missing", not "scheduled".
        .annotate(attendance_count=Count("attendance"))
        .order_by("-starts_at")[:PAST_MEETINGS]
    )
    context = {
        "group": group,
        "past_meetings": past,
        "member_form": forms_and_status.get("member_form"),
        "member_search": _member_matches(request.user, group, request.GET.get("q", "").strip()),
        "schedule_form": forms_and_status.get("schedule_form") or ScheduleForm(),
        "edit_form": forms_and_status.get("edit_form")
        or GroupForm(
            initial={"name": group.name, "facilitators": list(group.facilitators.all())},
            municipality=group.municipality,
            editing=True,
        ),
    }
    with local_time(group.municipality):
        return render(request, "portal/consultant/group_detail.html", context, status=status)


@consultant_page
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    return _render_group(request, group_id)


@require_POST
@consultant_page
def group_edit(request: HttpRequest, group_id: int) -> HttpResponse:
    group = get_or_404(group_get_for_user, user=request.user, group_id=group_id)
    form = GroupForm(request.POST, municipality=group.municipality, editing=True)
    if form.is_valid():
        done = attempt(
            request,
            lambda: group_update(
                group=group,
                actor=request.user,
                name=form.cleaned_data["name"],
                facilitator_ids=[c.pk for c in form.cleaned_data["facilitators"]],
            ),
            form=form,
            fields=FORM_FIELDS,
            success=_("Saved."),
        )
        if done is not None:
            return redirect("consultant:group_detail", group_id=group.pk)
    return _render_group(request, group.pk, edit_form=form, status=400)


@consultant_page
def group_member_search(request: HttpRequest, group_id: int) -> HttpResponse:
    """The member picker's matches for ``q``, as a fragment for htmx (the group page renders
    the same list itself when the search is sent without JavaScript)."""
    group = get_or_404(group_get_for_user, user=request.user, group_id=group_id)
    context = {
        "group": group,
        **_member_matches(request.user, group, request.GET.get("q", "").strip()),
    }
    return render(request, "portal/consultant/fragments/member_matches.html", context)


@require_POST
@consultant_page
def group_member_add_view(request: HttpRequest, group_id: int) -> HttpResponse:
    group = get_or_404(group_get_for_user, user=request.user, group_id=group_id)
    form = MemberAddForm(request.POST, candidates=_candidates(request.user, group))
    if form.is_valid():
        youth = form.cleaned_data["youth"]
        result = attempt(
            request,
            lambda: group_member_add(group=group, youth=youth, actor=request.user),
            form=form,
        )
        if result is not None:
            messages.success(request, _("%(name)s is in the group.") % {"name": youth.first_name})
            if result.warning:
                messages.warning(request, result.warning)
            return redirect("consultant:group_detail", group_id=group.pk)
    return _render_group(request, group.pk, member_form=form, status=400)


@require_POST
@consultant_page
def group_member_remove_view(request: HttpRequest, group_id: int, youth_id: int) -> HttpResponse:
    group = get_or_404(group_get_for_user, user=request.user, group_id=group_id)
    youth = next((y for y in group.members.all() if y.pk == youth_id), None)
    if youth is None:
        raise Http404
    attempt(
        request,
        lambda: group_member_remove(group=group, youth=youth, actor=request.user),
        success=_("%(name)s is no longer in the group.") % {"name": youth.first_name},
    )
    return redirect("consultant:group_detail", group_id=group.pk)


@require_POST
@consultant_page
def group_schedule_add(request: HttpRequest, group_id: int) -> HttpResponse:
    group = get_or_404(group_get_for_user, user=request.user, group_id=group_id)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        done = attempt(
            request,
            lambda: schedule_add(group=group, actor=request.user, **form.cleaned_data),
            form=form,
            success=_("The weekly meeting is added and its meetings are planned."),
        )
        if done is not None:
            return redirect("consultant:group_detail", group_id=group.pk)
    return _render_group(request, group.pk, schedule_form=form, status=400)


class AttendanceForm(forms.Form):
    """One choice per member: present, excused or absent."""

    def __init__(self, *args, members, current: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for youth in members:
            self.fields[f"youth_{youth.pk}"] = forms.ChoiceField(
                label=f"{youth.first_name} {youth.last_name}".strip(),
                choices=[("", "–"), *Attendance.Status.choices],
                required=False,
                initial=current.get(youth.pk, ""),
                # One line per member (a table row), not four stacked radio buttons.
                widget=forms.Select,
            )


def _meeting(request, meeting_id: int) -> Meeting:
    return get_or_404(meeting_get_for_user, user=request.user, meeting_id=meeting_id)


@consultant_page
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """A meeting with attendance taking for the group's members."""
    meeting = _meeting(request, meeting_id)
    members = list(youth_visible_to_user(user=request.user).filter(group_id=meeting.group_id))
    current = dict(meeting.attendance.values_list("youth_id", "status"))
    form = AttendanceForm(request.POST or None, members=members, current=current)
    if request.method == "POST" and form.is_valid():
        failed = False
        for youth in members:
            status = form.cleaned_data.get(f"youth_{youth.pk}")
            if not status or current.get(youth.pk) == status:
                continue
            done = attempt(
                request,
                lambda youth=youth, status=status: attendance_record(
                    meeting=meeting, youth=youth, status=status, actor=request.user
                ),
            )
            failed = failed or done is None
        if not failed:
            messages.success(request, _("Attendance is saved."))
            return redirect("consultant:meeting_detail", meeting_id=meeting.pk)
    with local_time(meeting.group.municipality):
        return render(
            request,
            "portal/consultant/meeting_detail.html",
            {"meeting": meeting, "form": form, "taken_place": meeting.starts_at <= timezone.now()},
            status=400 if request.method == "POST" else 200,
        )


@consultant_page
def meeting_move_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    with local_time(meeting.group.municipality):
        form = MeetingMoveForm(
            request.POST or None,
            initial={
                "starts_at": meeting.starts_at,
                "ends_at": meeting.ends_at,
                "place": meeting.place,
            },
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            done = attempt(
                request,
                lambda: meeting_move(
                    meeting=meeting,
                    actor=request.user,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    place=data["place"] or None,
                ),
                form=form,
                success=_("The meeting is moved. Every member is told."),
            )
            if done is not None:
                tell_held_pushes(request, subject=meeting)
                return redirect("consultant:group_detail", group_id=meeting.group_id)
        return render(
            request,
            "portal/consultant/meeting_form.html",
            {"meeting": meeting, "form": form, "cancel": False},
            status=400 if form.errors else 200,
        )


@consultant_page
def meeting_cancel_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    form = OptionalReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            lambda: meeting_cancel(
                meeting=meeting, actor=request.user, reason=form.cleaned_data["reason"]
            ),
            form=form,
            success=_("The meeting is cancelled. Every member is told."),
        )
        if done is not None:
            tell_held_pushes(request, subject=meeting)
            return redirect("consultant:group_detail", group_id=meeting.group_id)
    with local_time(meeting.group.municipality):
        return render(
            request,
            "portal/consultant/meeting_form.html",
            {"meeting": meeting, "form": form, "cancel": True},
            status=400 if form.errors else 200,
        )


@consultant_page
def group_deactivate_view(request: HttpRequest, group_id: int) -> HttpResponse:
    """End a group: a confirmation page (GET) saying what happens, then the POST."""
    group = get_or_404(group_get_for_user, user=request.user, group_id=group_id)
    if request.method != "POST" and not group.is_active:
        return redirect("consultant:group_detail", group_id=group.pk)
    if request.method == "POST":
        done = attempt(
            request,
            lambda: group_deactivate(group=group, actor=request.user),
            success=_("The group has ended. Its coming meetings are cancelled."),
        )
        if done is not None or not group.is_active:
            return redirect("consultant:group_detail", group_id=group.pk)
    coming = [m for m in group.upcoming_meetings if m.status == Meeting.Status.SCHEDULED]
    with local_time(group.municipality):
        return render(
            request,
            "portal/consultant/group_deactivate.html",
            {"group": group, "coming": coming},
        )
