"""Follow-up notes: a consultant's private notes on a placement (meetings with the workplace
contact, agreements). Never shown to companies or youth."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain import events
from domain.exceptions import DomainError
from domain.models import FollowUpNote, Placement
from domain.policy import can_follow_up, forbidden
from domain.services.cleaning import tidy

TEXT_MAX_LENGTH = 5000


@transaction.atomic
def note_create(
    *,
    placement: Placement,
    actor: object,
    text: str,
    met_workplace_contact: bool = False,
    now: datetime | None = None,
) -> FollowUpNote:
    """Write a follow-up note on a placement (in any state: agreements before the start and
    reflections after the end belong to the history too)."""
    now = now or timezone.now()
    # Authored by a person: a consultant of the youth's municipality or an admin.
    if not can_follow_up(actor, placement.youth.municipality_id):
        raise forbidden()
    text = tidy(text, field="text", multiline=True)
    if not text:
        raise DomainError(_("Write the note."), code="text_required", field="text")
    if len(text) > TEXT_MAX_LENGTH:
        raise DomainError(
            _("A note can be at most 5000 characters."), code="text_too_long", field="text"
        )
    note = FollowUpNote.objects.create(
        placement=placement,
        author=actor,
        text=text,
        met_workplace_contact=bool(met_workplace_contact),
        created_at=now,
    )
    # No company_id on purpose: listeners route events to companies by it, and notes must
    # never reach a company, not even as "a note was written".
    events.publish(
        "note.created",
        id=note.pk,
        municipality_id=placement.youth.municipality_id,
        youth_id=placement.youth_id,
        placement_id=placement.pk,
    )
    return note
