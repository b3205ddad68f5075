"""The objects the events, groups and placements tests act on, in both municipalities.

``build(world)`` adds to the shared API world (X = Roskilde with company A, Y = Vejle with
company B) one of each thing in each municipality, in the states the actions start from. The
``…_x`` objects belong to X / company A, the ``…_y`` ones to Y / company B.
"""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from portal.models import MatchEvent, Placement
from portal.services.signups import company_signup, youth_signup
from tests import factories as f


def _side(world, municipality, company, consultant, tag: str) -> SimpleNamespace:
    now = timezone.now()
    today = timezone.localdate()
    youth = f.YouthFactory(municipality=municipality, first_name=f"Ung{tag}")
    youth2 = f.YouthFactory(municipality=municipality, first_name=f"Anden{tag}")
    youth3 = f.YouthFactory(municipality=municipality, first_name=f"Tredje{tag}")
    slots = [f.SlotFactory(company=company, seats=5, postcode=company.postcode) for _ in range(4)]
    event = f.EventFactory(municipality=municipality, title=f"Matchdag {tag}")
    free_event = f.EventFactory(municipality=municipality, title=f"Ledig matchdag {tag}")
    draft_event = f.EventFactory(municipality=municipality, status=MatchEvent.Status.DRAFT)
    started_event = f.EventFactory(
        municipality=municipality,
        starts_at=now - timedelta(hours=1),
        signup_deadline=now - timedelta(hours=2),
    )
    company_signup_ = company_signup(event=event, company=company, actor=None, slot_ids=[])
    youth_signup_ = youth_signup(event=event, youth=youth, actor=None)
    door_signup = youth_signup(
        event=started_event, youth=youth, actor=None, now=now - timedelta(hours=3)
    )
    group = f.GroupFactory(municipality=municipality, name=f"Gruppe {tag}")
    group.facilitators.add(consultant)
    member = f.YouthFactory(municipality=municipality, group=group, first_name=f"Medlem{tag}")
    meeting = f.MeetingFactory(group=group)
    interest = f.InterestFactory(youth=youth, slot=slots[0], message="Jeg kan lide at bage.")
    accepted = f.AcceptedInterestFactory(youth=youth3, slot=slots[3])
    proposed = f.PlacementFactory(youth=youth, slot=slots[1])
    approved = f.PlacementFactory(
        youth=youth2, slot=slots[1], status=Placement.Status.APPROVED, start_date=today
    )
    active = f.PlacementFactory(
        youth=youth3,
        slot=slots[2],
        status=Placement.Status.ACTIVE,
        start_date=today - timedelta(days=14),
        started_at=now - timedelta(days=14),
    )
    checkin = f.CheckInFactory(placement=proposed)
    note = f.FollowUpNoteFactory(placement=proposed, author=consultant.user)
    return SimpleNamespace(
        youth=youth,
        youth2=youth2,
        youth3=youth3,
        member=member,
        slots=slots,
        event=event,
        free_event=free_event,
        draft_event=draft_event,
        started_event=started_event,
        company_signup=company_signup_,
        youth_signup=youth_signup_,
        door_signup=door_signup,
        group=group,
        meeting=meeting,
        interest=interest,
        accepted=accepted,
        proposed=proposed,
        approved=approved,
        active=active,
        checkin=checkin,
        note=note,
    )


def build(world) -> SimpleNamespace:
    return SimpleNamespace(
        x=_side(world, world.x, world.company_a, world.consultant_x, "X"),
        y=_side(world, world.y, world.company_b, world.consultant_y, "Y"),
    )
