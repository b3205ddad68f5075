"""Match events: create, edit, publish, cancel and complete; the company and youth sign-ups
with the waitlist; checking people in at the door; and the live board for the big screen."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from domain.models import CompanySignup, MatchEvent, NetworkMembership, Slot, Youth, YouthSignup
from domain.selectors.events import (
    company_signups_for_event,
    event_check_in_opens_at,
    event_day_has_come,
    event_get_for_user,
    event_seats_taken,
    events_visible_to_user,
    youth_signups_for_event,
)
from domain.selectors.network import companies_visible_to_user
from domain.selectors.slots import slots_visible_to_user
from domain.selectors.youth import youth_visible_to_user
from domain.services.events import event_cancel, event_complete, event_create, event_publish
from domain.services.events import event_update as event_update_service
from domain.services.signups import (
    company_signup,
    company_signup_cancel,
    signup_check_in,
    youth_signup,
    youth_signup_cancel,
)
from portal.errors import attempt, get_or_404
from portal.forms.consultant import (
    CompanySignupForm,
    EventForm,
    MemberAddForm,
    OptionalReasonForm,
)
from portal.held import tell_held_pushes
from portal.views.consultant_common import (
    consultant_page,
    local_time,
    own_municipality,
)

EVENT_FIELDS = (
    "title",
    "description",
    "place",
    "starts_at",
    "ends_at",
    "signup_deadline",
    "youth_capacity",
    "company_capacity",
)
S = YouthSignup.Status


@consultant_page
def event_list(request: HttpRequest) -> HttpResponse:
    """Coming events first, then past ones (newest first)."""
    now = timezone.now()
    events = events_visible_to_user(user=request.user)
    upcoming = list(events.filter(ends_at__gte=now))
    past = list(events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")[:30])
    with local_time(own_municipality(request.user)):
        return render(
            request, "portal/consultant/events.html", {"upcoming": upcoming, "past": past}
        )


@consultant_page
def event_new(request: HttpRequest) -> HttpResponse:
    municipality = own_municipality(request.user)
    with local_time(municipality):
        form = EventForm(request.POST or None, municipality=municipality)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            created = attempt(
                request,
                lambda: event_create(
                    municipality=municipality or data["municipality"],
                    actor=request.user,
                    **{key: data[key] for key in EVENT_FIELDS},
                ),
                form=form,
                success=_("The event is saved as a draft. Publish it when it is ready."),
            )
            if created is not None:
                return redirect("consultant:event_detail", event_id=created.pk)
        return render(
            request,
            "portal/consultant/event_form.html",
            {"form": form, "event": None},
            status=400 if form.errors else 200,
        )


@consultant_page
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_or_404(event_get_for_user, user=request.user, event_id=event_id)
    with local_time(event.municipality):
        initial = {key: getattr(event, key) for key in EVENT_FIELDS}
        form = EventForm(
            request.POST or None, initial=initial, municipality=event.municipality, editing=True
        )
        if request.method == "POST" and form.is_valid():
            changes = {key: form.cleaned_data[key] for key in EVENT_FIELDS}
            done = attempt(
                request,
                lambda: event_update_service(event=event, actor=request.user, **changes),
                form=form,
                success=_("Saved."),
            )
            if done is not None:
                return redirect("consultant:event_detail", event_id=event.pk)
        return render(
            request,
            "portal/consultant/event_form.html",
            {"form": form, "event": event},
            status=400 if form.errors else 200,
        )


def _signup_groups(event: MatchEvent) -> dict:
    signups = list(youth_signups_for_event(event=event))
    waitlist = [s for s in signups if s.status == S.WAITLISTED]
    return {
        "confirmed": [s for s in signups if s.status == S.CONFIRMED],
        "attended": [s for s in signups if s.status == S.ATTENDED],
        "waitlist": waitlist,
        "no_show": [s for s in signups if s.status == S.NO_SHOW],
        "cancelled": [s for s in signups if s.status == S.CANCELLED],
        "seats_taken": event_seats_taken(event=event, signups=signups),
    }


def _signup_candidates(user, event: MatchEvent):
    """Active youth of the event's municipality without a live sign-up for it."""
    live = youth_signups_for_event(event=event).exclude(status=S.CANCELLED)
    return (
        youth_visible_to_user(user=user)
        .filter(municipality_id=event.municipality_id, status=Youth.Status.ACTIVE)
        .exclude(pk__in=live.values("youth_id"))
    )


def _company_candidates(user, event: MatchEvent):
    """Companies in the event's municipality's network that are not signed up for it."""
    in_network = NetworkMembership.objects.company_ids_in(event.municipality_id)
    signed_up = company_signups_for_event(event=event).values("company_id")
    return companies_visible_to_user(user=user).filter(pk__in=in_network).exclude(pk__in=signed_up)


def _company_signup_form(user, event: MatchEvent, data=None) -> CompanySignupForm:
    companies = _company_candidates(user, event)
    slots = (
        slots_visible_to_user(user=user)
        .filter(status=Slot.Status.OPEN, company__in=companies)
        .select_related("company")
        .order_by("company__name", "title", "pk")
    )
    return CompanySignupForm(data, companies=companies, slots=slots)


def _render_event(
    request, event: MatchEvent, signup_form=None, company_form=None, status: int = 200
):
    context = {
        "event": event,
        "companies": list(company_signups_for_event(event=event)),
        "signup_form": signup_form
        or MemberAddForm(candidates=_signup_candidates(request.user, event)),
        "company_form": company_form or _company_signup_form(request.user, event),
        "check_in_opens_at": event_check_in_opens_at(event=event),
        "check_in_open": timezone.now() >= event_check_in_opens_at(event=event),
        **_signup_groups(event),
    }
    with local_time(event.municipality):
        return render(request, "portal/consultant/event_detail.html", context, status=status)


@consultant_page
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_or_404(event_get_for_user, user=request.user, event_id=event_id)
    return _render_event(request, event)


@require_POST
@consultant_page
def event_signup_add(request: HttpRequest, event_id: int) -> HttpResponse:
    """Sign a young person up on their behalf (a seat, or the waitlist when full)."""
    event = get_or_404(event_get_for_user, user=request.user, event_id=event_id)
    form = MemberAddForm(request.POST, candidates=_signup_candidates(request.user, event))
    if form.is_valid():
        youth = form.cleaned_data["youth"]
        row = attempt(
            request, lambda: youth_signup(event=event, youth=youth, actor=request.user), form=form
        )
        if row is not None:
            if row.status == S.WAITLISTED:
                messages.warning(
                    request,
                    _("The event is full: %(name)s is on the waitlist.")
                    % {"name": youth.first_name},
                )
            else:
                messages.success(request, _("%(name)s is signed up.") % {"name": youth.first_name})
            return redirect("consultant:event_detail", event_id=event.pk)
    return _render_event(request, event, signup_form=form, status=400)


@require_POST
@consultant_page
def event_signup_cancel(request: HttpRequest, event_id: int, signup_id: int) -> HttpResponse:
    """Cancel a young person's sign-up; a freed seat goes to the first on the waitlist."""
    event = get_or_404(event_get_for_user, user=request.user, event_id=event_id)
    signup = youth_signups_for_event(event=event).filter(pk=signup_id).first()
    if signup is None:
        raise Http404
    attempt(
        request,
        lambda: youth_signup_cancel(signup=signup, actor=request.user),
        success=_("The sign-up of %(name)s is cancelled.") % {"name": signup.youth.first_name},
    )
    return redirect("consultant:event_detail", event_id=event.pk)


@require_POST
@consultant_page
def event_company_signup(request: HttpRequest, event_id: int) -> HttpResponse:
    """Sign a company of the network up on its behalf, with its attendees and slots."""
    event = get_or_404(event_get_for_user, user=request.user, event_id=event_id)
    form = _company_signup_form(request.user, event, request.POST)
    if form.is_valid():
        company = form.cleaned_data["company"]
        row = attempt(
            request,
            lambda: company_signup(
                event=event,
                company=company,
                actor=request.user,
                attendees=form.cleaned_data["attendees"],
                slot_ids=form.cleaned_data["slot_ids"],
            ),
            form=form,
            success=_("%(name)s is signed up.") % {"name": company.name},
        )
        if row is not None:
            return redirect(f"{event_detail_url(event)}#companies-heading")
    return _render_event(request, event, company_form=form, status=400)


@require_POST
@consultant_page
def event_company_signup_cancel(
    request: HttpRequest, event_id: int, signup_id: int
) -> HttpResponse:
    """Cancel a company's sign-up before the event starts; its seat becomes free."""
    event = get_or_404(event_get_for_user, user=request.user, event_id=event_id)
    signup: CompanySignup | None = (
        company_signups_for_event(event=event).filter(pk=signup_id).first()
    )
    if signup is None:
        raise Http404
    attempt(
        request,
        lambda: company_signup_cancel(signup=signup, actor=request.user),
        success=_("The sign-up of %(name)s is cancelled.") % {"name": signup.company.name},
    )
    return redirect(f"{event_detail_url(event)}#companies-heading")


ACTIONS = {
    "publish": (
        event_publish,
        gettext_lazy("The event is published: young people and companies can sign up."),
    ),
    "complete": (
        event_complete,
        gettext_lazy("The event is completed: whoever did not check in is marked as a no-show."),
    ),
}


@require_POST
@consultant_page
def event_action(request: HttpRequest, event_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    event = get_or_404(event_get_for_user, user=request.user, event_id=event_id)
    service, message = ACTIONS[action]
    attempt(request, lambda: service(event=event, actor=request.user), success=str(message))
    return redirect("consultant:event_detail", event_id=event.pk)


@consultant_page
def event_cancel_view(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_or_404(event_get_for_user, user=request.user, event_id=event_id)
    form = OptionalReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            lambda: event_cancel(
                event=event, actor=request.user, reason=form.cleaned_data["reason"]
            ),
            form=form,
            success=_("The event is cancelled. Everyone signed up is told."),
        )
        if done is not None:
            tell_held_pushes(request, subject=event)
            return redirect("consultant:event_detail", event_id=event.pk)
    return render(
        request,
        "portal/consultant/event_cancel.html",
        {"event": event, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@consultant_page
def event_check_in(request: HttpRequest, event_id: int, signup_id: int) -> HttpResponse:
    """Check one confirmed youth in at the door."""
    event = get_or_404(event_get_for_user, user=request.user, event_id=event_id)
    signup = youth_signups_for_event(event=event).filter(pk=signup_id).first()
    if signup is None:
        raise Http404
    attempt(
        request,
        lambda: signup_check_in(signup=signup, actor=request.user),
        success=_("%(name)s is checked in.") % {"name": signup.youth.first_name},
    )
    return redirect(f"{event_detail_url(event)}#door")


def event_detail_url(event: MatchEvent) -> str:
    return reverse("consultant:event_detail", kwargs={"event_id": event.pk})


def _board_context(event: MatchEvent) -> dict:
    groups = _signup_groups(event)
    return {
        "event": event,
        "companies": list(company_signups_for_event(event=event)),
        "day_has_come": event_day_has_come(event=event),
        "checked_in": len(groups["attended"]),
        "expected": groups["seats_taken"],
        "waitlisted": len(groups["waitlist"]),
    }


@consultant_page
def event_board(request: HttpRequest, event_id: int) -> HttpResponse:
    """The big screen at the event: companies present, their slots, how many youth have
    checked in. No youth names: the screen is in a public room."""
    event = get_or_404(event_get_for_user, user=request.user, event_id=event_id)
    with local_time(event.municipality):
        return render(request, "portal/consultant/event_board.html", _board_context(event))


@consultant_page
def event_board_part(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_or_404(event_get_for_user, user=request.user, event_id=event_id)
    with local_time(event.municipality):
        return render(
            request, "portal/consultant/fragments/event_board.html", _board_context(event)
        )
