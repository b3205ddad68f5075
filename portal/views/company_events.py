"""Match events for companies: the upcoming ones of their networks, signing up with how many
people come and which open slots they bring, and cancelling."""

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from domain.models import CompanySignup, MatchEvent, Slot
from domain.selectors.events import event_get_for_user, events_visible_to_user
from domain.selectors.slots import slots_visible_to_user
from domain.services.signups import company_signup, company_signup_cancel
from portal.access import company_required
from portal.errors import attempt, get_or_404
from portal.forms.company import EventSignupForm

CONFIRMED = CompanySignup.Status.CONFIRMED


def _own_signups(company_id: int) -> Prefetch:
    """The company's own sign-up on each event (at most one), with the slots it brings."""
    return Prefetch(
        "company_signups",
        queryset=CompanySignup.objects.filter(company_id=company_id).prefetch_related("slots"),
        to_attr="own_signups",
    )


def _with_own_signup(events, company_id: int):
    return events.annotate(
        companies_confirmed=Count("company_signups", filter=Q(company_signups__status=CONFIRMED))
    ).prefetch_related(_own_signups(company_id))


def _signup_of(event: MatchEvent) -> CompanySignup | None:
    signups = [s for s in event.own_signups if s.status == CONFIRMED]
    return signups[0] if signups else None


@company_required
def event_list(request: HttpRequest) -> HttpResponse:
    company_id = request.user.company_member.company_id
    events = _with_own_signup(
        events_visible_to_user(user=request.user).filter(ends_at__gte=timezone.now()),
        company_id,
    )
    rows = [(event, _signup_of(event)) for event in events]
    return render(request, "portal/company/events.html", {"rows": rows})


def _open_slots(request: HttpRequest):
    return slots_visible_to_user(user=request.user).filter(status=Slot.Status.OPEN)


def _event_page(request: HttpRequest, event: MatchEvent, form: EventSignupForm) -> HttpResponse:
    company_id = request.user.company_member.company_id
    annotated = _with_own_signup(
        events_visible_to_user(user=request.user).filter(pk=event.pk), company_id
    ).get()
    now = timezone.now()
    context = {
        "event": event,
        "signup": _signup_of(annotated),
        "companies_confirmed": annotated.companies_confirmed,
        "form": form,
        "open_for_signups": now <= event.signup_deadline,
        "started": now >= event.starts_at,
        "tz": event.municipality.timezone,
    }
    return render(request, "portal/company/event.html", context)


@company_required
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_or_404(event_get_for_user, user=request.user, event_id=event_id)
    form = EventSignupForm(slots=_open_slots(request))
    return _event_page(request, event, form)


@require_POST
@company_required
def event_signup(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_or_404(event_get_for_user, user=request.user, event_id=event_id)
    form = EventSignupForm(request.POST, slots=_open_slots(request))
    if form.is_valid():
        signup = attempt(
            request,
            lambda: company_signup(
                event=event,
                company=request.user.company_member.company,
                actor=request.user,
                attendees=form.cleaned_data["attendees"],
                slot_ids=form.cleaned_data["slot_ids"],
            ),
            form=form,
            success=_("You are signed up. See you at the event!"),
        )
        if signup is not None:
            return redirect("company_event_detail", event_id=event.pk)
    return _event_page(request, event, form)


@require_POST
@company_required
def event_signup_cancel(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_or_404(event_get_for_user, user=request.user, event_id=event_id)
    signup = _signup_of(
        _with_own_signup(
            events_visible_to_user(user=request.user).filter(pk=event.pk),
            request.user.company_member.company_id,
        ).get()
    )
    if signup is None:
        messages.error(request, _("Your company is not signed up for this event."))
    else:
        attempt(
            request,
            lambda: company_signup_cancel(signup=signup, actor=request.user),
            success=_("Your sign-up is cancelled. Your place is free for others."),
        )
    return redirect("company_event_detail", event_id=event.pk)
