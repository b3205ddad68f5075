"""Young people: the list, registering and correcting a record, pausing and resuming, an
invite with its deep link and QR code, the timeline, and follow-up notes."""

from __future__ import annotations

import io
import json

import segno
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from domain.models import PlacementOutcome, Youth
from domain.selectors.intake import referral_get_for_user
from domain.selectors.outbox import youth_message_counts
from domain.selectors.placements import placement_get_for_user
from domain.selectors.timeline import youth_timeline
from domain.selectors.youth import youth_get_for_user, youth_visible_to_user
from domain.services.invites import invite_create
from domain.services.notes import note_create
from domain.services.outcomes import placement_record_outcome, youth_record_destination
from domain.services.privacy import youth_erase, youth_export
from domain.services.youth import (
    youth_create,
    youth_leave,
    youth_pause,
    youth_resume,
    youth_update,
)
from portal.errors import attempt, get_or_404
from portal.forms.consultant import (
    EraseConfirmForm,
    LeaveForm,
    MessageForm,
    NoteForm,
    PlacementOutcomeForm,
    YouthForm,
)
from portal.views.consultant_common import consultant_page, own_municipality

PAGE_SIZE = 50
EDITABLE = (
    "first_name",
    "last_name",
    "birth_date",
    "language",
    "sectors",
    "preferred_hours",
    "contact_consultant",
)


@consultant_page
def youth_list(request: HttpRequest) -> HttpResponse:
    """The municipality's young people, filtered by status, a name search and whether the bot
    can reach them."""
    youth = youth_visible_to_user(user=request.user)
    status = request.GET.get("status", "")
    if status in Youth.Status.values:
        youth = youth.filter(status=status)
    query = request.GET.get("q", "").strip()
    if query:
        youth = youth.filter(first_name__icontains=query)
    unreachable = request.GET.get("unreachable") == "1"
    if unreachable:
        youth = youth.filter(unreachable_at__isnull=False)
    page = Paginator(youth, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "query": query,
        "unreachable": unreachable,
        "statuses": Youth.Status.choices,
    }
    return render(request, "portal/consultant/youth_list.html", context)


@consultant_page
def youth_new(request: HttpRequest) -> HttpResponse:
    """Register a young person; where the intake is randomised, from a referral drawn to
    NExTWORK (``?referral=<id>``, which the form carries on)."""
    municipality = own_municipality(request.user)
    referral_id = request.POST.get("referral") or request.GET.get("referral")
    referral = None
    if referral_id:
        if not str(referral_id).isdigit():
            raise Http404
        referral = get_or_404(referral_get_for_user, user=request.user, referral_id=referral_id)
        municipality = referral.municipality
    # The form posts back to this address, so ``?referral=`` stays with it.
    form = YouthForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = attempt(
            request,
            lambda: youth_create(
                referral=referral,
                municipality=municipality or data["municipality"],
                actor=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                birth_date=data["birth_date"],
                language=data["language"],
                sectors=list(data["sectors"]),
                preferred_hours=data["preferred_hours"],
                contact_consultant=data["contact_consultant"],
                group=data["group"],
            ),
            form=form,
            success=_("The young person is registered. Create an invite to link Telegram."),
        )
        if created is not None:
            return redirect("consultant:youth_detail", youth_id=created.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "portal/consultant/youth_form.html",
        {"form": form, "youth": None, "referral": referral},
        status=status,
    )


@consultant_page
def youth_edit(request: HttpRequest, youth_id: int) -> HttpResponse:
    youth = get_or_404(youth_get_for_user, user=request.user, youth_id=youth_id)
    initial = {key: getattr(youth, key) for key in EDITABLE if key != "sectors"}
    initial["sectors"] = list(youth.sectors.all())
    form = YouthForm(
        request.POST or None, initial=initial, municipality=youth.municipality, editing=True
    )
    if request.method == "POST" and form.is_valid():
        fields = {key: form.cleaned_data[key] for key in EDITABLE}
        fields["sectors"] = list(fields["sectors"])
        done = attempt(
            request,
            lambda: youth_update(youth=youth, actor=request.user, **fields),
            form=form,
            success=_("Saved."),
        )
        if done is not None:
            return redirect("consultant:youth_detail", youth_id=youth.pk)
    status = 400 if form.errors else 200
    return render(
        request, "portal/consultant/youth_form.html", {"form": form, "youth": youth}, status=status
    )


def render_detail(request, timeline, *, note_form=None, message_form=None, status=200):
    """The youth's page, with the forms as given (bound, with their errors) or fresh."""
    return render(
        request,
        "portal/consultant/youth_detail.html",
        {
            "timeline": timeline,
            "youth": timeline.youth,
            "note_form": note_form or NoteForm(placements=timeline.placements),
            "message_form": message_form or MessageForm(),
            "now": timezone.now(),
            "outcome_choices": PlacementOutcome.choices,
            "bot_messages": youth_message_counts(youth=timeline.youth),
        },
        status=status,
    )


@consultant_page
def youth_detail(request: HttpRequest, youth_id: int) -> HttpResponse:
    """The youth's record and timeline (an audited read), with the follow-up note form."""
    timeline = get_or_404(youth_timeline, user=request.user, youth_id=youth_id)
    return render_detail(request, timeline)


@require_POST
@consultant_page
def youth_note(request: HttpRequest, youth_id: int) -> HttpResponse:
    timeline = get_or_404(youth_timeline, user=request.user, youth_id=youth_id)
    form = NoteForm(request.POST, placements=timeline.placements)
    if form.is_valid():
        placement = get_or_404(
            placement_get_for_user, user=request.user, placement_id=form.cleaned_data["placement"]
        )
        if placement.youth_id != timeline.youth.pk:
            raise Http404
        done = attempt(
            request,
            lambda: note_create(
                placement=placement,
                actor=request.user,
                text=form.cleaned_data["text"],
                met_workplace_contact=form.cleaned_data["met_workplace_contact"],
            ),
            form=form,
            success=_("The note is saved."),
        )
        if done is not None:
            return redirect("consultant:youth_detail", youth_id=timeline.youth.pk)
    return render_detail(request, timeline, note_form=form, status=400)


def _status_change(request: HttpRequest, youth_id: int, service, message: str) -> HttpResponse:
    youth = get_or_404(youth_get_for_user, user=request.user, youth_id=youth_id)
    attempt(request, lambda: service(youth=youth, actor=request.user), success=message)
    return redirect("consultant:youth_detail", youth_id=youth.pk)


@require_POST
@consultant_page
def youth_pause_view(request: HttpRequest, youth_id: int) -> HttpResponse:
    return _status_change(request, youth_id, youth_pause, _("Paused: group reminders stop."))


@require_POST
@consultant_page
def youth_resume_view(request: HttpRequest, youth_id: int) -> HttpResponse:
    return _status_change(request, youth_id, youth_resume, _("Active again."))


@consultant_page
def youth_leave_view(request: HttpRequest, youth_id: int) -> HttpResponse:
    """Ending a youth's participation (GET: the form; POST: leave, recording where they went).
    For a youth who has already left, the same page corrects the destination."""
    youth = get_or_404(youth_get_for_user, user=request.user, youth_id=youth_id)
    posted = request.method == "POST"
    initial = {"destination": youth.destination, "destination_date": youth.destination_date}
    form = LeaveForm(request.POST if posted else None, initial=initial)
    if posted and form.is_valid():
        service = youth_record_destination if youth.status == Youth.Status.LEFT else youth_leave
        done = attempt(
            request,
            lambda: service(youth=youth, actor=request.user, **form.cleaned_data),
            form=form,
            success=_("Saved: where they went is recorded.")
            if youth.status == Youth.Status.LEFT
            else _("Marked as left: no more messages, out of their group, open invites revoked."),
        )
        if done is not None:
            return redirect("consultant:youth_detail", youth_id=youth.pk)
    return render(
        request,
        "portal/consultant/youth_leave.html",
        {"youth": youth, "form": form},
        status=400 if posted else 200,
    )


@require_POST
@consultant_page
def placement_outcome_view(request: HttpRequest, placement_id: int) -> HttpResponse:
    """Whether an ended placement led to a job offer or paid hours (from the youth's page)."""
    placement = get_or_404(placement_get_for_user, user=request.user, placement_id=placement_id)
    form = PlacementOutcomeForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: placement_record_outcome(
                placement=placement, actor=request.user, outcome=form.cleaned_data["outcome"]
            ),
            success=_("Saved: what the placement led to."),
        )
    else:
        messages.error(request, _("Choose what the placement led to."))
    return redirect("consultant:youth_detail", youth_id=placement.youth_id)


@require_POST
@consultant_page
def youth_export_view(request: HttpRequest, youth_id: int) -> HttpResponse:
    """Everything stored about the youth, as a JSON file to hand over (the service audits it).
    A POST: an export is an act with a trace, not a link to follow or prefetch."""
    youth = get_or_404(youth_get_for_user, user=request.user, youth_id=youth_id)
    data = attempt(request, lambda: youth_export(youth=youth, actor=request.user))
    if data is None:
        return redirect("consultant:youth_detail", youth_id=youth.pk)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="nextwork-ung-{youth.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@consultant_page
def youth_erase_view(request: HttpRequest, youth_id: int) -> HttpResponse:
    """The confirmation page (GET) and the erasure itself (POST, with the box ticked)."""
    youth = get_or_404(youth_get_for_user, user=request.user, youth_id=youth_id)
    posted = request.method == "POST"
    # Bound on every POST, even an empty one: an unticked box is an error to show.
    form = EraseConfirmForm(request.POST if posted else None)
    if posted and form.is_valid():
        done = attempt(
            request,
            lambda: youth_erase(youth=youth, actor=request.user),
            form=form,
            success=_("The young person's data is erased. Only anonymous numbers remain."),
        )
        if done is not None:
            return redirect("consultant:youth_list")
    return render(
        request,
        "portal/consultant/youth_erase.html",
        {"youth": youth, "form": form},
        status=400 if posted else 200,
    )


def qr_svg(text: str, *, title: str) -> str:
    """The QR code of ``text`` as an inline SVG (drawn here by segno, no outside service)."""
    out = io.BytesIO()
    # A quiet zone of 4 modules, as the QR standard (ISO/IEC 18004) asks: phone cameras
    # find a code on a busy background by its white margin.
    segno.make(text, error="m").save(
        out, kind="svg", xmldecl=False, svgns=True, scale=6, border=4, title=title
    )
    return out.getvalue().decode("utf-8")


@require_POST
@consultant_page
def youth_invite(request: HttpRequest, youth_id: int) -> HttpResponse:
    """A fresh invite; its link is shown this once (only its hash is stored)."""
    youth = get_or_404(youth_get_for_user, user=request.user, youth_id=youth_id)
    issued = attempt(request, lambda: invite_create(youth=youth, actor=request.user))
    if issued is None:
        return redirect("consultant:youth_detail", youth_id=youth.pk)
    # segno escapes the title and draws only paths: the markup is safe to inline.
    qr = mark_safe(qr_svg(issued.deep_link, title=_("QR code of the invite link")))  # noqa: S308
    response = render(
        request,
        "portal/consultant/youth_invite.html",
        {"youth": youth, "issued": issued, "qr": qr},
    )
    response["Cache-Control"] = "no-store"
    return response
