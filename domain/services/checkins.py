"""Weekly check-ins: during an active placement the youth answers "how was this week?" (1–5 and
an optional sentence) and chooses whether the sentence may be shown, anonymised, to peers.

Sharing needs two yeses: ``CheckIn.shared`` is the youth's choice for that one sentence, and
``Youth.share_experiences`` is their standing consent to this optional processing. Turning the
latter off hides every sentence at once (withdrawing consent must be as easy as giving it);
``domain.selectors.placements.shared_experiences_for_company`` applies both, and shows nothing
until several different youth share about a company.
"""

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain import events
from domain.exceptions import DomainError, invalid_state
from domain.locking import lock_and_refresh
from domain.models import CheckIn, Placement, Youth
from domain.policy import forbidden
from domain.services.cleaning import tidy
from domain.services.reminders import reminders_sync_placement
from domain.timeutils import local_date, monday_of

SCORE_MIN, SCORE_MAX = 1, 5
TEXT_MAX_LENGTH = 500


def _require_own_youth(actor: object, placement: Placement) -> None:
    """Only the youth themself answers: a check-in is their own voice, never staff's."""
    if not isinstance(actor, Youth) or actor.pk != placement.youth_id:
        raise forbidden()


def _checked_in(placement_id: int, week: date) -> bool:
    return CheckIn.objects.filter(placement_id=placement_id, week=week).exists()


@transaction.atomic
def checkin_submit(
    *,
    placement: Placement,
    actor: object,
    score: int,
    text: str = "",
    share: bool = False,
    now: datetime | None = None,
) -> CheckIn:
    """Record this week's check-in (the week is the Monday of ``now`` in the municipality's
    local time). One per placement and week; a sentence-less check-in is never shared."""
    now = now or timezone.now()
    _require_own_youth(actor, placement)
    if not isinstance(score, int) or isinstance(score, bool) or not SCORE_MIN <= score <= SCORE_MAX:
        raise DomainError(
            _("Choose a score from 1 to 5."), code="score_out_of_range", field="score"
        )
    text = tidy(text, field="text")
    if len(text) > TEXT_MAX_LENGTH:
        raise DomainError(
            _("The sentence can be at most 500 characters."), code="text_too_long", field="text"
        )
    lock_and_refresh(placement)
    if placement.status != Placement.Status.ACTIVE:
        raise invalid_state(_("Check-ins are for an active placement."))
    week = monday_of(local_date(now, placement.youth.municipality.timezone))
    conflict = DomainError(_("You have already checked in this week."), code="conflict")
    if _checked_in(placement.pk, week):
        raise conflict
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                placement=placement,
                week=week,
                score=score,
                text=text,
                shared=bool(share and text),
                created_at=now,
            )
    except IntegrityError:
        # A double tap on the bot's button raced the first answer (one per week).
        raise conflict from None
    # This week's prompt, if it has not gone out yet, is no longer needed.
    reminders_sync_placement(placement, now=now)
    # No company or slot: companies never see check-ins, so no listener may route one to them.
    ids = events.subject_ids(checkin, owner=placement, to_company=False, placement_id=placement.pk)
    events.publish("checkin.created", **ids)
    return checkin


@transaction.atomic
def checkin_set_shared(*, checkin: CheckIn, actor: object, shared: bool) -> CheckIn:
    """The youth shares or stops sharing one check-in's sentence, at any time (also after the
    placement has ended)."""
    placement = checkin.placement
    _require_own_youth(actor, placement)
    lock_and_refresh(checkin)
    if shared and not checkin.text:
        raise DomainError(
            _("This check-in has no sentence to share."), code="nothing_to_share", field="shared"
        )
    if checkin.shared != shared:
        checkin.shared = shared
        checkin.save(update_fields=["shared"])
        ids = events.subject_ids(
            checkin, owner=placement, to_company=False, placement_id=placement.pk
        )
        events.publish("checkin.updated", **ids)
    return checkin
