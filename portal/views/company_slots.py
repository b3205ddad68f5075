"""A company's slots: post, edit, preview as the youth see it, and its life cycle
(publish, pause, resume, close)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from domain.models import Interest, Slot
from domain.selectors.placements import interests_visible_to_user, shared_experiences_for_company
from domain.selectors.slots import slot_get_for_user, slot_seats_taken
from domain.selectors.youth import youth_cards_for_company
from domain.services import slots as slot_services
from domain.services.slots import EDITABLE
from portal.access import company_required
from portal.errors import attempt, get_or_404
from portal.forms.company import SlotForm

FIELDS = list(SlotForm.base_fields)


def _slot(request: HttpRequest, slot_id: int) -> Slot:
    return get_or_404(slot_get_for_user, user=request.user, slot_id=slot_id)


@company_required
def slot_create(request: HttpRequest) -> HttpResponse:
    company = request.user.company_member.company
    initial = {"address": company.address, "postcode": company.postcode, "seats": 1}
    initial["sector"] = company.sector.code
    form = SlotForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        slot = attempt(
            request,
            lambda: slot_services.slot_create(
                company=company, actor=request.user, **form.cleaned_data
            ),
            form=form,
            success=_("The slot is saved as a draft. Look it over, then publish it."),
        )
        if slot is not None:
            return redirect("company_slot_detail", slot_id=slot.pk)
    return render(request, "portal/company/slot_form.html", {"form": form, "slot": None})


@company_required
def slot_update(request: HttpRequest, slot_id: int) -> HttpResponse:
    slot = _slot(request, slot_id)
    if slot.status not in EDITABLE:
        messages.error(request, _("A closed slot cannot be changed."))
        return redirect("company_slot_detail", slot_id=slot.pk)
    initial = {name: getattr(slot, name) for name in FIELDS if name != "sector"}
    initial["sector"] = slot.sector.code
    form = SlotForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            request,
            lambda: slot_services.slot_update(slot=slot, actor=request.user, **form.cleaned_data),
            form=form,
            success=_("Your changes are saved."),
        )
        if saved is not None:
            return redirect("company_slot_detail", slot_id=slot.pk)
    return render(request, "portal/company/slot_form.html", {"form": form, "slot": slot})


@company_required
def slot_detail(request: HttpRequest, slot_id: int) -> HttpResponse:
    """The slot as young people see it in the bot, with the actions its state allows."""
    slot = _slot(request, slot_id)
    interests = list(
        interests_visible_to_user(user=request.user)
        .filter(slot_id=slot.pk, status__in=Interest.LIVE)
        .order_by("-created_at", "-pk")
    )
    cards = youth_cards_for_company(user=request.user, interests=interests)
    context = {
        "interests": [(i, cards[i.pk]) for i in interests if i.pk in cards],
        "slot": slot,
        "seats_taken": slot_seats_taken(slot=slot),
        "experiences": shared_experiences_for_company(company=slot.company),
        "editable": slot.status in EDITABLE,
    }
    return render(request, "portal/company/slot_detail.html", context)


@company_required
def slot_close_confirm(request: HttpRequest, slot_id: int) -> HttpResponse:
    """Closing is for good and answers every waiting youth, so it is asked once more."""
    slot = _slot(request, slot_id)
    if slot.status not in EDITABLE:
        return redirect("company_slot_detail", slot_id=slot.pk)
    waiting = slot.interests.filter(status="pending").count()
    return render(request, "portal/company/slot_close.html", {"slot": slot, "waiting": waiting})


TRANSITIONS = {
    "publish": (slot_services.slot_publish, gettext_lazy("The slot is published.")),
    "pause": (slot_services.slot_pause, gettext_lazy("The slot is paused.")),
    "resume": (slot_services.slot_resume, gettext_lazy("The slot is open again.")),
    "close": (slot_services.slot_close, gettext_lazy("The slot is closed.")),
}


@require_POST
@company_required
def slot_transition(request: HttpRequest, slot_id: int, action: str) -> HttpResponse:
    if action not in TRANSITIONS:
        raise Http404
    slot = _slot(request, slot_id)
    service, done = TRANSITIONS[action]
    attempt(request, lambda: service(slot=slot, actor=request.user), success=str(done))
    return redirect("company_slot_detail", slot_id=slot.pk)
