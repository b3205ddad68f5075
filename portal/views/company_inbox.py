"""The company's inbox: interests young people showed in its slots, with only the youth fields
the permission matrix allows (``youth_card_for_company``); accept with an intro meeting, or
decline kindly. The list is a fragment the live script reloads when a new interest arrives;
each of its two parts shows one page at a time (the live reload keeps the page)."""

from django.db.models import Case, F, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from domain.models import Interest
from domain.selectors.placements import interest_get_for_user, interests_visible_to_user
from domain.selectors.youth import youth_card_for_company, youth_cards_for_company
from domain.services.interests import interest_accept, interest_decline, interest_move_intro
from portal.access import company_required
from portal.errors import attempt, get_or_404
from portal.forms.company import InterestAcceptForm, InterestDeclineForm, IntroMoveForm
from portal.held import tell_held_pushes
from portal.paging import page_of


def _inbox(request: HttpRequest) -> dict:
    """Live interests, waiting for an answer (newest first) and with an intro meeting agreed,
    one page of each, every row with its card; the totals count every page."""
    live = interests_visible_to_user(user=request.user).order_by("-created_at", "-pk")
    pending = page_of(request, live.filter(status=Interest.Status.PENDING), param="waiting")
    # Coming intro meetings soonest first; those that have taken place after them, the latest
    # first (they wait for the company's next step, not for the meeting).
    now = timezone.now()
    agreed = (
        live.filter(status=Interest.Status.ACCEPTED)
        .annotate(
            met=Case(When(intro_meeting_at__lte=now, then=Value(1)), default=Value(0)),
            coming_at=Case(When(intro_meeting_at__gt=now, then=F("intro_meeting_at"))),
            met_at=Case(When(intro_meeting_at__lte=now, then=F("intro_meeting_at"))),
        )
        .order_by("met", F("coming_at").asc(nulls_last=True), F("met_at").desc(), "pk")
    )
    accepted = page_of(request, agreed, param="agreed")
    interests = [*pending.object_list, *accepted.object_list]
    cards = youth_cards_for_company(user=request.user, interests=interests)

    def with_cards(page) -> list:
        return [(interest, cards[interest.pk]) for interest in page if interest.pk in cards]

    return {
        "pending": with_cards(pending),
        "accepted": [row for row in with_cards(accepted) if not row[0].met],
        "met": [row for row in with_cards(accepted) if row[0].met],
        "pending_page": pending,
        "accepted_page": accepted,
    }


@company_required
def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/company/inbox.html", _inbox(request))


@company_required
def inbox_fragment(request: HttpRequest) -> HttpResponse:
    """Only the list, for the live script (and htmx) to swap in."""
    return render(request, "portal/company/inbox_list.html", _inbox(request))


def _interest_page(
    request, interest, accept_form=None, decline_form=None, move_form=None
) -> HttpResponse:
    tz = interest.youth.municipality.timezone
    if move_form is None and interest.intro_meeting_at is not None:
        with timezone.override(tz):
            move_form = IntroMoveForm(
                initial={"intro_meeting_at": timezone.localtime(interest.intro_meeting_at)}
            )
    context = {
        "move_form": move_form,
        "interest": interest,
        "card": youth_card_for_company(user=request.user, interest=interest),
        "tz": tz,
        "accept_form": accept_form or InterestAcceptForm(),
        "decline_form": decline_form or InterestDeclineForm(),
    }
    return render(request, "portal/company/interest.html", context)


@company_required
def interest_detail(request: HttpRequest, interest_id: int) -> HttpResponse:
    interest = get_or_404(interest_get_for_user, user=request.user, interest_id=interest_id)
    return _interest_page(request, interest)


@require_POST
@company_required
def interest_accept_view(request: HttpRequest, interest_id: int) -> HttpResponse:
    interest = get_or_404(interest_get_for_user, user=request.user, interest_id=interest_id)
    form = InterestAcceptForm(request.POST)
    # The time the company types is the wall-clock time in the youth's municipality.
    with timezone.override(interest.youth.municipality.timezone):
        valid = form.is_valid()
    if valid:
        accepted = attempt(
            request,
            lambda: interest_accept(
                interest=interest,
                actor=request.user,
                intro_meeting_at=form.cleaned_data["intro_meeting_at"],
                intro_meeting_place=form.cleaned_data["intro_meeting_place"],
            ),
            form=form,
            success=_("%(name)s is told that you would like to meet, and when and where.")
            % {"name": interest.youth.first_name},
        )
        if accepted is not None:
            tell_held_pushes(request, subject=interest)
            return redirect("company_inbox")
    return _interest_page(request, interest, accept_form=form)


@require_POST
@company_required
def interest_decline_view(request: HttpRequest, interest_id: int) -> HttpResponse:
    interest = get_or_404(interest_get_for_user, user=request.user, interest_id=interest_id)
    form = InterestDeclineForm(request.POST)
    if form.is_valid():
        # A ready-made text is written in the young person's own language.
        with translation.override(interest.youth.language):
            reason = form.reason_text()
        declined = attempt(
            request,
            lambda: interest_decline(interest=interest, actor=request.user, reason=reason),
            form=form,
            success=_("Your answer is sent to %(name)s. Thank you for answering.")
            % {"name": interest.youth.first_name},
        )
        if declined is not None:
            tell_held_pushes(request, subject=interest)
            return redirect("company_inbox")
    return _interest_page(request, interest, decline_form=form)


@require_POST
@company_required
def interest_move_view(request: HttpRequest, interest_id: int) -> HttpResponse:
    interest = get_or_404(interest_get_for_user, user=request.user, interest_id=interest_id)
    form = IntroMoveForm(request.POST)
    with timezone.override(interest.youth.municipality.timezone):
        valid = form.is_valid()
    if valid:
        moved = attempt(
            request,
            lambda: interest_move_intro(
                interest=interest,
                actor=request.user,
                intro_meeting_at=form.cleaned_data["intro_meeting_at"],
                place=form.cleaned_data["intro_meeting_place"],
            ),
            form=form,
            fields={"place": "intro_meeting_place"},
            success=_("The intro meeting is moved, and %(name)s is told.")
            % {"name": interest.youth.first_name},
        )
        if moved is not None:
            tell_held_pushes(request, subject=interest)
            return redirect("company_interest_detail", interest_id=interest.pk)
    return _interest_page(request, interest, move_form=form)
