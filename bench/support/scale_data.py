"""The data of ``bench/data_scale.py``: an installation of size S, M or L, built with the test
factories (``Factory.build`` + ``bulk_create``: the services would take hours at L) in states
the domain allows.

S is one municipality after a year (100 youth, 30 companies, 300 interests); M a big one after
two (10× S); L a national installation (20 municipalities of M/2). Attendance, audit entries
and outgoing messages come in the proportions the issue measured at L (per youth: 14.4
attendance rows, 24.3 audit entries, 22.9 outgoing messages).

Run inside Django (``bench/data_scale.py`` does it in a process of its own). The first
municipality is the one measured; its first consultant, its first company's first member and
its first youth are the people the benchmark acts as.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from domain import models as m
from tests import factories as f


@dataclass(frozen=True)
class Size:
    municipalities: int
    youth: int  # per municipality
    companies: int  # per municipality


SIZES = {
    "S": Size(municipalities=1, youth=100, companies=30),
    "M": Size(municipalities=1, youth=1_000, companies=300),
    "L": Size(municipalities=20, youth=500, companies=150),
}
INTERESTS_PER_YOUTH = 3
SLOTS_PER_COMPANY = 2
GROUP_SIZE = 10
PAST_MEETINGS = 15  # weekly; 14 of them have attendance (14 rows per youth, ~14.4 measured)
AUDIT_PER_YOUTH = 24
OUTBOX_PER_YOUTH = 23
CONSULTANTS = 3
EVENTS = 4
BATCH = 2_000


def build(size_name: str, *, seed: int = 19) -> dict:
    """Fill the (migrated, empty) database; returns how many rows of each kind."""
    size = SIZES[size_name]
    builder = _Builder(random.Random(seed), timezone.now())
    for index in range(size.municipalities):
        with transaction.atomic():
            builder.municipality(index, size)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return builder.counts


class _Builder:
    def __init__(self, rnd: random.Random, now) -> None:
        self.rnd = rnd
        self.now = now
        # The benchmark logs in with force_login: nobody can log in with a password (and the
        # factory's real hash costs a second a user, 3,300 users at L).
        self.password = make_password(None)
        self.sectors = list(m.Sector.objects.all())
        self.counts: dict[str, int] = {}
        self.serial = 0  # unique numbers across municipalities (CVR, Telegram ids, usernames)

    # --- helpers ------------------------------------------------------------------------------

    def _next(self) -> int:
        self.serial += 1
        return self.serial

    def _save(self, model, rows: list) -> list:
        created = model.objects.bulk_create(rows, batch_size=BATCH)
        self.counts[model.__name__] = self.counts.get(model.__name__, 0) + len(created)
        return created

    def _users(self, prefix: str, n: int) -> list:
        User = get_user_model()
        rows = []
        for _ in range(n):
            username = f"{prefix}{self._next()}"
            rows.append(
                User(username=username, email=f"{username}@example.dk", password=self.password)
            )
        return self._save(User, rows)

    def _ago(self, days_max: int) -> timedelta:
        return timedelta(days=self.rnd.uniform(0, days_max))

    # --- one municipality ---------------------------------------------------------------------

    def municipality(self, index: int, size: Size) -> None:
        muni = self._save(
            m.Municipality,
            [f.MunicipalityFactory.build(name=f"Kommune {index + 1}", slug=f"kommune-{index + 1}")],
        )[0]
        staff = self._users(f"k{index + 1}-", CONSULTANTS)
        consultants = self._save(
            m.Consultant, [f.ConsultantFactory.build(user=u, municipality=muni) for u in staff]
        )
        slots = self._companies(muni, size.companies)
        groups, meetings = self._groups(muni, size.youth)
        youth = self._youth(muni, size.youth, groups, consultants)
        self._attendance(groups, meetings, youth)
        self._interests_and_placements(muni, youth, slots, consultants)
        self._events(muni, staff[0])
        self._audit(muni, youth, staff)
        self._outbox(youth)

    def _companies(self, muni, n: int) -> list:
        companies = self._save(
            m.Company,
            [
                f.CompanyFactory.build(
                    name=f"Virksomhed {muni.pk}-{i + 1} ApS",
                    cvr=f._cvr_sequence(self._next()),
                    sector=self.rnd.choice(self.sectors),
                )
                for i in range(n)
            ],
        )
        self._save(
            m.NetworkMembership,
            [
                f.MembershipFactory.build(company=c, municipality=muni, decided_at=self.now)
                for c in companies
            ],
        )
        users = self._users(f"v{muni.pk}-", n)
        self._save(
            m.CompanyMember,
            [
                f.CompanyMemberFactory.build(user=u, company=c, is_company_admin=True)
                for u, c in zip(users, companies, strict=True)
            ],
        )
        statuses = [m.Slot.Status.OPEN] * 7 + [m.Slot.Status.PAUSED, m.Slot.Status.CLOSED]
        statuses.append(m.Slot.Status.DRAFT)
        slots = []
        for company in companies:
            for k in range(SLOTS_PER_COMPANY):
                status = self.rnd.choice(statuses)
                slots.append(
                    f.SlotFactory.build(
                        company=company,
                        title=f"Praktik hos {company.name} {k + 1}",
                        sector=company.sector,
                        kind=self.rnd.choice(m.Slot.Kind.values),
                        seats=2,
                        status=status,
                        published_at=None
                        if status == m.Slot.Status.DRAFT
                        else self.now - self._ago(365),
                    )
                )
        return self._save(m.Slot, slots)

    def _groups(self, muni, n_youth: int):
        groups = self._save(
            m.NetworkGroup,
            [
                f.GroupFactory.build(municipality=muni, name=f"Gruppe {i + 1}")
                for i in range(max(1, n_youth // GROUP_SIZE))
            ],
        )
        meetings = []
        for group in groups:
            for week in range(-PAST_MEETINGS, 2):
                starts = self.now + timedelta(weeks=week, hours=2)
                meetings.append(f.MeetingFactory.build(group=group, starts_at=starts))
        meetings = self._save(m.Meeting, meetings)
        by_group: dict[int, list] = {}
        for meeting in meetings:
            by_group.setdefault(meeting.group_id, []).append(meeting)
        return groups, by_group

    def _youth(self, muni, n: int, groups: list, consultants: list) -> list:
        rows = []
        for i in range(n):
            number = self._next()
            rows.append(
                f.YouthFactory.build(
                    municipality=muni,
                    first_name=f"Ung{number}",
                    last_name=self.rnd.choice(["Hansen", "Jensen", "Nielsen", "Holm", ""]),
                    telegram_user_id=1_000_000 + number,
                    telegram_chat_id=1_000_000 + number,
                    group=groups[i % len(groups)],
                    contact_consultant=consultants[i % len(consultants)],
                    preferred_hours=self.rnd.choice([10, 15, 20, None]),
                )
            )
        return self._save(m.Youth, rows)

    def _attendance(self, groups: list, meetings: dict, youth: list) -> None:
        members: dict[int, list] = {}
        for person in youth:
            members.setdefault(person.group_id, []).append(person)
        statuses = [m.Attendance.Status.PRESENT] * 6 + [
            m.Attendance.Status.EXCUSED,
            m.Attendance.Status.ABSENT,
        ]
        rows = []
        for group in groups:
            # The oldest past meetings; the newest past one is still to be taken.
            for meeting in meetings[group.pk][: PAST_MEETINGS - 1]:
                for person in members.get(group.pk, []):
                    rows.append(
                        m.Attendance(
                            meeting=meeting,
                            youth=person,
                            status=self.rnd.choice(statuses),
                            recorded_at=meeting.ends_at,
                        )
                    )
        self._save(m.Attendance, rows)

    def _interests_and_placements(self, muni, youth: list, slots: list, consultants) -> None:
        S = m.Interest.Status
        P = m.Placement.Status
        shown = [s for s in slots if s.status != m.Slot.Status.DRAFT]
        seated: dict[int, int] = {}
        interests, placements = [], []
        weights = [(S.PENDING, 3), (S.ACCEPTED, 3), (S.DECLINED, 2), (S.WITHDRAWN, 2)]
        choices = [status for status, weight in weights for _ in range(weight)]
        for person in youth:
            for slot in self.rnd.sample(shown, INTERESTS_PER_YOUTH):
                status = self.rnd.choice(choices)
                created = self.now - self._ago(365)
                interest = f.InterestFactory.build(
                    youth=person,
                    municipality=muni,
                    slot=slot,
                    status=status,
                    created_at=created,
                    message="Jeg vil gerne prøve det.",
                )
                if status in (S.ACCEPTED, S.DECLINED):
                    interest.decided_at = created + timedelta(days=2)
                if status == S.ACCEPTED:
                    interest.intro_meeting_at = created + timedelta(days=5)
                    interest.intro_meeting_place = slot.address
                if status == S.DECLINED:
                    interest.decline_reason = "Vi har ikke plads lige nu."
                if status == S.WITHDRAWN:
                    interest.withdrawn_at = created + timedelta(days=1)
                interests.append(interest)
        interests = self._save(m.Interest, interests)
        active_youth: set[int] = set()
        for interest in interests:
            if interest.status != S.ACCEPTED or self.rnd.random() > 0.5:
                continue
            slot_id = interest.slot_id
            status = self.rnd.choice([P.PROPOSED, P.APPROVED, P.ACTIVE, P.COMPLETED])
            if status in (P.APPROVED, P.ACTIVE) and seated.get(slot_id, 0) >= 2:
                status = P.COMPLETED
            if status == P.ACTIVE and interest.youth_id in active_youth:
                status = P.COMPLETED
            if status in (P.APPROVED, P.ACTIVE):
                seated[slot_id] = seated.get(slot_id, 0) + 1
            if status == P.ACTIVE:
                active_youth.add(interest.youth_id)
            start = (interest.created_at + timedelta(days=10)).date()
            placement = f.PlacementFactory.build(
                youth_id=interest.youth_id,
                slot_id=slot_id,
                interest=interest,
                status=status,
                start_date=start,
                created_at=interest.created_at + timedelta(days=6),
            )
            if status != P.PROPOSED:
                placement.decided_at = placement.created_at + timedelta(days=1)
                placement.decided_by = consultants[0].user
            if status in (P.ACTIVE, P.COMPLETED):
                placement.started_at = placement.created_at + timedelta(days=4)
            if status == P.COMPLETED:
                placement.end_date = start + timedelta(weeks=8)
                placement.ended_at = placement.started_at + timedelta(weeks=8)
            placements.append(placement)
        placements = self._save(m.Placement, placements)
        checkins = []
        for placement in placements:
            if placement.status != P.ACTIVE:
                continue
            monday = self.now.date() - timedelta(days=self.now.weekday())
            for week in range(1, 5):
                checkins.append(
                    f.CheckInFactory.build(
                        placement=placement,
                        week=monday - timedelta(weeks=week),
                        score=self.rnd.randint(1, 5),
                        created_at=self.now - timedelta(weeks=week),
                    )
                )
        self._save(m.CheckIn, checkins)

    def _events(self, muni, creator) -> None:
        rows = []
        for k in range(EVENTS):
            starts = self.now + timedelta(days=30 * (k - EVENTS // 2) + 7)
            status = m.MatchEvent.Status.COMPLETED if starts < self.now else None
            rows.append(
                f.EventFactory.build(
                    municipality=muni,
                    title=f"Matchdag {k + 1}",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=3),
                    signup_deadline=starts - timedelta(days=1),
                    created_by=creator,
                    **({"status": status} if status else {}),
                )
            )
        self._save(m.MatchEvent, rows)

    def _audit(self, muni, youth: list, staff: list) -> None:
        actions = ["youth.read", "youth.read", "youth.read", "youth.update", "placement.approve"]
        rows = []
        for person in youth:
            for _ in range(AUDIT_PER_YOUTH):
                actor = self.rnd.choice(staff)
                rows.append(
                    m.AuditEntry(
                        actor=actor,
                        actor_label=actor.username,
                        action=self.rnd.choice(actions),
                        target_type="youth",
                        target_id=person.pk,
                        municipality=muni,
                        created_at=self.now - self._ago(730),
                    )
                )
        self._save(m.AuditEntry, rows)

    def _outbox(self, youth: list) -> None:
        K = m.OutboxMessage.Kind
        kinds = [K.MEETING_REMINDER, K.MEETING_REMINDER, K.CHECKIN_PROMPT, K.INTEREST_ACCEPTED]
        rows = []
        for person in youth:
            for k in range(OUTBOX_PER_YOUTH):
                due = self.now - self._ago(730)
                sent = k < OUTBOX_PER_YOUTH - 1
                rows.append(
                    m.OutboxMessage(
                        recipient=person,
                        kind=self.rnd.choice(kinds),
                        dedupe_key=f"bench:{person.pk}:{k}",
                        due_at=due if sent else self.now + timedelta(days=1),
                        status=m.OutboxMessage.Status.SENT
                        if sent
                        else m.OutboxMessage.Status.PENDING,
                        attempts=1 if sent else 0,
                        sent_at=due if sent else None,
                        telegram_message_id=k if sent else None,
                    )
                )
        self._save(m.OutboxMessage, rows)
