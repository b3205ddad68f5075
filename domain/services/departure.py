"""What a youth holds is given back when they leave the programme or are erased: otherwise a
seat in a slot or at an event would stay taken by someone who is not coming."""

from datetime import datetime

from domain.models import Interest, MatchEvent, Placement, Youth, YouthSignup
from domain.services.interests import interest_withdraw
from domain.services.placements import STARTED, placement_end_early, placement_withdraw
from domain.services.signups import youth_signup_cancel

# Stored as data, like the switch reason: interfaces translate it when they show it.
LEFT_REASON = "Left the programme"


def youth_release_commitments(*, youth: Youth, now: datetime) -> None:
    """End the active placement early, withdraw live interests and not-yet-started placements
    (freeing their seats), and cancel sign-ups for events still to come (promoting the next
    youth on the waitlist). Runs as the system, inside the caller's transaction."""
    for placement in youth.placements.filter(status=Placement.Status.ACTIVE):
        placement_end_early(placement=placement, actor=None, reason=LEFT_REASON, now=now)
    live = youth.interests.filter(status__in=Interest.LIVE).exclude(placements__status__in=STARTED)
    for interest in live.distinct():
        interest_withdraw(interest=interest, actor=None, now=now)
    waiting = (Placement.Status.PROPOSED, Placement.Status.APPROVED)
    for placement in youth.placements.filter(status__in=waiting):
        placement_withdraw(placement=placement, actor=None, reason=LEFT_REASON, now=now)
    upcoming = youth.event_signups.filter(
        status__in=(YouthSignup.Status.CONFIRMED, YouthSignup.Status.WAITLISTED),
        event__status=MatchEvent.Status.PUBLISHED,
        event__starts_at__gt=now,
    )
    for signup in upcoming.order_by("event_id"):
        youth_signup_cancel(signup=signup, actor=None, now=now)
