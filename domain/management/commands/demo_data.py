"""Fill an empty database with a believable network, through the services layer.

Two municipalities, a dozen companies with slots of both kinds, two network groups with weekly
schedules, a published match event with sign-ups, youth at every stage, consultants and company
users. Everything happens in one transaction, and a database that already holds the demo is left
alone, so running the command twice changes nothing.

The invite links of the "invited" youth can be shown only once (the database keeps just a hash
of each token), so they are kept in var/demo-invites-<hash of the database>.txt; every run
prints those that still work in this database.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from domain.exceptions import DomainError
from domain.models import (
    Arm,
    Company,
    Consultant,
    Destination,
    Municipality,
    NetworkGroup,
    Slot,
    Youth,
)
from domain.services import events as event_services
from domain.services.checkins import checkin_submit
from domain.services.followups import followup_answer, followup_consent_give
from domain.services.groups import group_create, group_member_add, schedule_add
from domain.services.intake import draw_run, intake_configure, referral_register
from domain.services.interests import interest_accept, interest_decline, interest_show
from domain.services.invites import invite_check, invite_create, invite_redeem
from domain.services.meetings import attendance_record
from domain.services.network import company_register, membership_accept, membership_request
from domain.services.notes import note_create
from domain.services.outbox import outbox_skip_overdue
from domain.services.outcomes import placement_record_outcome
from domain.services.placements import (
    placement_approve,
    placement_complete,
    placement_end_early,
    placement_propose,
    placement_start,
)
from domain.services.signups import company_signup, youth_signup
from domain.services.slots import slot_create, slot_pause, slot_publish
from domain.services.staff import consultant_create
from domain.services.youth import youth_create, youth_leave, youth_pause
from domain.validators import cvr_is_valid

DEMO_PASSWORD = "nextwork-demo-2026"  # noqa: S105 - printed on purpose: demo logins only
MARKER_SLUG = "roskilde"
ADMIN_USERNAME = "admin"

MUNICIPALITIES = [("Roskilde", "roskilde"), ("Vejle", "vejle")]
CONSULTANTS = [
    ("mette", "Mette", "Hansen", "roskilde"),
    ("jonas", "Jonas", "Berg", "roskilde"),
    ("sofie", "Sofie", "Lund", "vejle"),
]
# name, login, sector, postcode, city, municipalities (first one is where it registered)
COMPANIES = [
    ("Bageriet på Torvet ApS", "bageriet", "retail", "4000", "Roskilde", ["roskilde"]),
    ("Café Fjordblik", "fjordblik", "hospitality", "4000", "Roskilde", ["roskilde"]),
    ("Plejecenter Solhaven", "solhaven", "care", "4000", "Roskilde", ["roskilde"]),
    ("Kodehuset A/S", "kodehuset", "it", "4000", "Roskilde", ["roskilde", "vejle"]),
    ("Tømrer Jensen & Søn", "tomrer", "construction", "4030", "Tune", ["roskilde"]),
    ("Lager Øst Logistik", "lageroest", "logistics", "4000", "Roskilde", ["roskilde"]),
    ("Roskilde Cykelværksted", "cykel", "automotive", "4000", "Roskilde", ["roskilde"]),
    ("Grønne Hænder Anlæg", "gronne", "green", "4040", "Jyllinge", ["roskilde"]),
    ("Vejle Metalvarer A/S", "metal", "manufacturing", "7100", "Vejle", ["vejle"]),
    ("Kontorservice Vejle", "kontor", "office", "7100", "Vejle", ["vejle"]),
    ("Spinderihallerne Kultur", "spinderi", "cultural", "7100", "Vejle", ["vejle"]),
    ("Fjordens Rengøring", "rengoring", "cleaning", "7100", "Vejle", ["vejle"]),
]
PENDING_COMPANY = "rengoring"  # waits for a consultant to accept it
SLOTS = {
    "retail": ("Butiksmedhjælper i bageriet", "Du hjælper med at fylde hylder og betjene kunder."),
    "hospitality": ("Café-hjælper", "Kaffe, opvask og smil. Vi lærer dig det hele."),
    "care": ("Hjælper i aktivitetsteamet", "Gåture, spil og samvær med beboerne."),
    "it": ("Junior-tester", "Du tester vores apps og skriver, hvad der driller."),
    "construction": ("Tømrerlærling på prøve", "Prøv kræfter med værktøj på byggepladsen."),
    "logistics": ("Lagermedarbejder", "Pak ordrer og hold styr på varerne."),
    "automotive": ("Cykelmekaniker-hjælper", "Skift slanger, juster gear, mød kunderne."),
    "green": ("Anlægsgartner-hjælper", "Udendørs arbejde med planter og fliser."),
    "manufacturing": ("Produktionsmedarbejder", "Montage og kvalitetskontrol i et roligt team."),
    "office": ("Kontorelev på prøve", "Post, telefon og lidt regneark."),
    "cultural": ("Hjælper ved koncerter", "Opsætning, billetter og garderobe."),
    "cleaning": ("Servicemedarbejder", "Faste ruter i små hold."),
}
# first name, birth date, sectors, municipality, stage
YOUTH = [
    ("Asta", date(2004, 3, 2), ["retail", "hospitality"], "roskilde", "invited"),
    ("Malik", date(2002, 8, 19), ["it"], "roskilde", "browsing"),
    ("Freja", date(2006, 1, 11), ["care"], "roskilde", "interested"),
    ("Noah", date(2001, 6, 30), ["construction"], "roskilde", "intro"),
    ("Ida", date(2003, 11, 5), ["hospitality"], "roskilde", "declined"),
    ("Oliver", date(2000, 2, 14), ["logistics"], "roskilde", "proposed"),
    ("Clara", date(2005, 9, 9), ["green"], "roskilde", "approved"),
    ("William", date(1999, 12, 1), ["automotive"], "roskilde", "active"),
    ("Sara", date(2002, 4, 22), ["retail"], "roskilde", "completed"),
    ("Lukas", date(2004, 7, 7), ["it"], "roskilde", "ended_early"),
    ("Emma", date(2003, 5, 16), ["care"], "roskilde", "paused"),
    ("Mads", date(2001, 10, 28), ["logistics"], "roskilde", "left"),
    ("Alma", date(2005, 2, 3), ["manufacturing"], "vejle", "browsing"),
    ("Victor", date(2002, 12, 24), ["office"], "vejle", "interested"),
    ("Ella", date(2004, 8, 8), ["cultural"], "vejle", "active"),
    ("Karl", date(2006, 4, 4), ["cultural"], "vejle", "invited"),
]


# Youth who went through the programme a year ago and left: first name, birth year, weeks in
# their placement, what it led to, where they went, their answers at 3 and 6 months ("" = no
# answer, None = never accepted being asked). Enough of them that the measures show figures.
ALUMNI = [
    ("Anton", 2003, 12, "job_offer", "ordinary_job", "job", "job"),
    ("Bella", 2004, 8, "paid_hours", "ordinary_job", "job", "job"),
    ("Carl", 2001, 14, "job_offer", "ordinary_job", "job", "job"),
    ("Dagmar", 2005, 6, "nothing", "education", "education", "education"),
    ("Elias", 2002, 10, "paid_hours", "ordinary_job", "job", "job"),
    ("Frida", 2006, 4, "nothing", "education", "education", "education"),
    ("Gustav", 2000, 9, "job_offer", "ordinary_job", "job", "job"),
    ("Hannah", 2004, 5, "nothing", "education", "education", "education"),
    ("Ingrid", 2003, 7, "paid_hours", "supported_job", "job", "job"),
    ("Johan", 2005, 3, "nothing", "education", "education", "education"),
    ("Kamma", 2002, 11, "nothing", "supported_job", "looking", "other"),
    ("Laurits", 2006, 4, "nothing", "education", "education", "not_say"),
    ("Marie", 2001, 6, "nothing", "public_support", "looking", ""),
    ("Nikolaj", 2003, 2, "nothing", "public_support", "", None),
    ("Olga", 2004, 5, "nothing", "moved_away", None, None),
    ("Palle", 2000, 3, "nothing", "unknown", None, None),
]


DEMO_USERNAMES = [
    ADMIN_USERNAME,
    *(username for username, *_ in CONSULTANTS),
    *(login for _name, login, *_ in COMPANIES),
]


def invites_file(database: dict | None = None) -> Path:
    """Where the demo's invite links for ``database`` (default: this one) are kept.

    One file per database, so links from another database (or an earlier one) never show up.
    """
    database = settings.DATABASES["default"] if database is None else database
    key = "\n".join(str(database.get(part) or "") for part in ("NAME", "HOST", "PORT"))
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return Path(settings.BASE_DIR) / "var" / f"demo-invites-{digest}.txt"


def standin_chats_file() -> Path:
    """The demo youth's Telegram identities for the loopback stand-in (standin/), which reads
    this file when it starts (``manage.py telegram_standin --users``)."""
    return Path(settings.BASE_DIR) / "var" / "standin-users.json"


def write_standin_chats() -> Path:
    """Tell the stand-in about the youth who linked Telegram (the demo's own, and anyone linked
    through the web chat before a restart), so that messages to them (a placement approved, a
    consultant's answer) reach a chat instead of "chat not found"."""
    linked = Youth.objects.filter(telegram_chat_id__isnull=False, erased_at__isnull=True).order_by(
        "telegram_chat_id"
    )
    users = [
        {"id": y.telegram_chat_id, "first_name": y.first_name, "language_code": y.language}
        for y in linked
    ]
    path = standin_chats_file()
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(users, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def _token(link: str) -> str:
    return link.rpartition("start=")[2]


@dataclass
class Demo:
    now: datetime
    admin: object
    municipalities: dict[str, Municipality]
    consultants: dict[str, Consultant]
    companies: dict[str, Company]
    slots: dict[str, Slot]
    groups: dict[str, NetworkGroup]
    telegram_id: int = 7_000_000_000


class Command(BaseCommand):
    help = "Load a believable demo network (idempotent: an existing demo is left as it is)."

    def handle(self, *args, **options) -> None:
        if Municipality.objects.filter(slug=MARKER_SLUG).exists():
            self.stdout.write("Demo data is already loaded; nothing changed.")
        else:
            admin = self._existing_admin()
            self.stdout.write("Loading demo data…")
            try:
                with transaction.atomic():
                    invites = self._load(timezone.now(), admin)
            except DomainError as error:
                raise CommandError(
                    f"Loading the demo data failed, nothing was saved: {error} (code {error.code})."
                ) from error
            path = invites_file()
            path.parent.mkdir(exist_ok=True)
            path.write_text("".join(f"{name}\t{link}\n" for name, link in invites))
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        write_standin_chats()
        self._print_logins()

    def _existing_admin(self):
        """An existing superuser named admin, to act as the demo's admin; None if there is none.

        Stops with a CommandError if any other demo username is taken (or admin is not a
        superuser): the demo would collide with those users.
        """
        existing = {
            user.username: user
            for user in get_user_model().objects.filter(username__in=DEMO_USERNAMES)
        }
        admin = existing.pop(ADMIN_USERNAME, None)
        taken = sorted(existing)
        if admin is not None and not admin.is_superuser:
            taken.insert(0, f"{ADMIN_USERNAME} (not a superuser)")
            admin = None
        if taken:
            raise CommandError(
                f"Cannot load the demo data: these demo usernames already exist in this "
                f"database: {', '.join(taken)}. Rename or delete those users, or load the demo "
                f"into an empty database."
            )
        if admin is not None:
            self.stdout.write(f'Using the existing superuser "{ADMIN_USERNAME}" as the admin.')
        return admin

    # --- printing ------------------------------------------------------------------------------

    def _print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        admin = get_user_model().objects.filter(username=ADMIN_USERNAME).first()
        if admin is not None and not admin.check_password(DEMO_PASSWORD):
            self.stdout.write("  admin      administrator (your own superuser: your own password)")
        else:
            self.stdout.write("  admin      administrator (all municipalities)")
        for username, first, _last, slug in CONSULTANTS:
            self.stdout.write(f"  {username:<10} consultant in {slug.title()} ({first})")
        for name, login, *_ in COMPANIES[:3]:
            self.stdout.write(f"  {login:<10} company member of {name}")
        self.stdout.write(
            "  … and one login per company: " + ", ".join(c[1] for c in COMPANIES[3:])
        )
        self._print_invites()

    def _print_invites(self) -> None:
        """The saved invite links that can still be redeemed in this database, and no others."""
        path = invites_file()
        lines = path.read_text().splitlines() if path.exists() else []
        valid = []
        for line in lines:
            name, tab, link = line.partition("\t")
            if not tab:
                continue
            try:
                invite = invite_check(token=_token(link))
            except DomainError:  # used, expired, replaced, or not an invite of this database
                continue
            valid.append((name, link, invite.expires_at))
        if not valid:
            self.stdout.write(
                "\nNo demo invite for the Telegram bot is valid any more (used, expired or "
                "replaced):\n  create a new invite for a youth (domain.services.invites."
                "invite_create, e.g. in manage.py shell),\n  or load the demo into an empty "
                "database."
            )
            return
        self.stdout.write("\nDemo invites for the Telegram bot (single use):")
        for name, link, expires_at in valid:
            until = timezone.localdate(expires_at).isoformat()
            self.stdout.write(f"  {name:<10} {link}  (valid until {until})")

    # --- loading -------------------------------------------------------------------------------

    def _load(self, now: datetime, admin=None) -> list[tuple[str, str]]:
        if admin is None:
            admin = get_user_model().objects.create_superuser(
                ADMIN_USERNAME, "admin@example.dk", DEMO_PASSWORD, first_name="Admin"
            )
        demo = Demo(
            now=now,
            admin=admin,
            municipalities={},
            consultants={},
            companies={},
            slots={},
            groups={},
        )
        history = now - timedelta(weeks=12)
        self._network(demo, history)
        self._groups(demo, history)
        invites = self._youth(demo)
        self._alumni(demo)
        self._event(demo)
        self._intake(demo)
        # History was written with past times; what it would have sent then is not sent now.
        outbox_skip_overdue(due_before=now, reason="demo history")
        return invites

    def _network(self, demo: Demo, history: datetime) -> None:
        for name, slug in MUNICIPALITIES:
            demo.municipalities[slug] = Municipality.objects.create(name=name, slug=slug)
        for username, first, last, slug in CONSULTANTS:
            demo.consultants[username] = consultant_create(
                municipality=demo.municipalities[slug],
                actor=demo.admin,
                username=username,
                email=f"{username}@{slug}.dk",
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                now=history,
            )
        lead = {"roskilde": demo.consultants["mette"], "vejle": demo.consultants["sofie"]}
        for number, (name, login, sector, postcode, city, slugs) in enumerate(COMPANIES):
            company = company_register(
                name=name,
                cvr=_demo_cvr(number),
                address=f"Hovedgaden {number + 1}",
                postcode=postcode,
                city=city,
                sector=sector,
                municipality=demo.municipalities[slugs[0]],
                username=login,
                email=f"{login}@example.dk",
                password=DEMO_PASSWORD,
                now=history,
            )
            demo.companies[login] = company
            for extra in slugs[1:]:
                membership_request(
                    company=company,
                    municipality=demo.municipalities[extra],
                    actor=company.members.get().user,
                    now=history,
                )
            if login == PENDING_COMPANY:
                continue
            for membership in company.memberships.all():
                membership_accept(
                    membership=membership,
                    actor=lead[membership.municipality.slug].user,
                    now=history,
                )
            self._slots(demo, company, sector, number, history)

    def _slots(self, demo: Demo, company: Company, sector: str, number: int, history) -> None:
        member = company.members.get().user
        title, description = SLOTS[sector]
        kinds = [Slot.Kind.INTERNSHIP, Slot.Kind.PAID_HOURS]
        for index, kind in enumerate(kinds if number % 3 else kinds[:1]):
            slot = slot_create(
                company=company,
                actor=member,
                # The kind is shown beside every title: the paid slot's title names its team.
                title=title if index == 0 else f"{title}, weekendholdet",
                description=description,
                kind=kind,
                sector=sector,
                address=company.address,
                postcode=company.postcode,
                hours_min=8 + index * 4,
                hours_max=20 + index * 10,
                earliest_start=timezone.localdate(history),
                seats=2 if index == 0 else 1,
                now=history,
            )
            demo.slots[f"{sector}:{index}"] = slot
            if number == 7 and index == 1:
                continue  # stays a draft
            slot_publish(slot=slot, actor=member, now=history)
            if number == 10 and index == 1:
                slot_pause(slot=slot, actor=member, now=history)

    def _groups(self, demo: Demo, history: datetime) -> None:
        plans = [
            (
                "roskilde",
                "Torsdagsholdet",
                ["mette", "jonas"],
                3,
                time(13, 0),
                "Ungehuset, Roskilde",
            ),
            ("vejle", "Mandagsgruppen", ["sofie"], 0, time(10, 0), "Jobcenter Vejle, lokale 2"),
        ]
        for slug, name, facilitators, weekday, at, place in plans:
            group = group_create(
                municipality=demo.municipalities[slug],
                actor=demo.admin,
                name=name,
                facilitator_ids=[demo.consultants[c].pk for c in facilitators],
                now=history,
            )
            demo.groups[slug] = group
            start = demo.now - timedelta(weeks=3)
            schedule_add(
                group=group,
                actor=demo.admin,
                weekday=weekday,
                start_time=at,
                duration_minutes=120,
                place=place,
                starts_on=start.date(),
                now=start,
            )

    def _youth(self, demo: Demo) -> list[tuple[str, str]]:
        invites = []
        for first, born, sectors, slug, stage in YOUTH:
            municipality = demo.municipalities[slug]
            consultant = demo.consultants["mette" if slug == "roskilde" else "sofie"]
            start = demo.now - timedelta(weeks=11)
            youth = youth_create(
                municipality=municipality,
                actor=consultant.user,
                first_name=first,
                birth_date=born,
                sectors=sectors,
                preferred_hours=15,
                contact_consultant=consultant,
                now=start,
            )
            issued = invite_create(youth=youth, actor=consultant.user)
            if stage == "invited":
                invites.append((first, issued.deep_link))
                continue
            demo.telegram_id += 1
            youth = invite_redeem(
                token=issued.token,
                telegram_user_id=demo.telegram_id,
                telegram_chat_id=demo.telegram_id,
                telegram_username=first.lower(),
                consent_version=settings.NEXTWORK_CONSENT_VERSION,
                now=start,
            )
            group_member_add(group=demo.groups[slug], youth=youth, actor=consultant.user, now=start)
            self._attendance(demo, youth, consultant)
            self._journey(demo, youth, consultant, sectors[0], stage)
        return invites

    def _alumni(self, demo: Demo) -> None:
        """A cohort of a year ago, through the services as it would have happened: a placement,
        what it led to, leaving with a destination, and the follow-up answers since."""
        consultant = demo.consultants["mette"]
        staff = consultant.user
        municipality = demo.municipalities["roskilde"]
        base = demo.now - timedelta(weeks=60)
        company = demo.companies["bageriet"]
        member = company.members.get().user
        slot = slot_create(
            company=company,
            actor=member,
            title="Butik og bageri",
            description="Fyld op, pak brød og betjen kunder i et roligt tempo.",
            kind=Slot.Kind.INTERNSHIP,
            sector="retail",
            address=company.address,
            postcode=company.postcode,
            hours_min=10,
            hours_max=30,
            earliest_start=timezone.localdate(base),
            seats=len(ALUMNI),
            now=base,
        )
        slot_publish(slot=slot, actor=member, now=base)
        for number, (first, born, weeks, led_to, went, at_3, at_6) in enumerate(ALUMNI):
            start = base + timedelta(days=number)
            youth = youth_create(
                municipality=municipality,
                actor=staff,
                first_name=first,
                birth_date=date(born, 1 + number % 12, 10),
                sectors=["retail"],
                contact_consultant=consultant,
                now=start,
            )
            issued = invite_create(youth=youth, actor=staff)
            demo.telegram_id += 1
            youth = invite_redeem(
                token=issued.token,
                telegram_user_id=demo.telegram_id,
                telegram_chat_id=demo.telegram_id,
                consent_version=settings.NEXTWORK_CONSENT_VERSION,
                now=start,
            )
            group_member_add(group=demo.groups["roskilde"], youth=youth, actor=staff, now=start)
            ended = self._alumni_placement(youth, slot, member, staff, start, weeks, led_to)
            left = ended + timedelta(weeks=1)
            youth_leave(youth=youth, actor=staff, destination=went, now=left)
            if at_3 is None:
                continue
            questions = followup_consent_give(
                youth=youth, chat_id=demo.telegram_id, now=left + timedelta(hours=2)
            )
            for question, answer in zip(questions, (at_3, at_6), strict=False):
                if answer:
                    followup_answer(
                        question=question,
                        chat_id=demo.telegram_id,
                        answer=answer,
                        now=question.due_at + timedelta(hours=3),
                    )

    def _alumni_placement(self, youth, slot, member, staff, start, weeks, led_to) -> datetime:
        interest = interest_show(youth=youth, slot=slot, actor=youth, now=start)
        interest_accept(
            interest=interest,
            actor=member,
            intro_meeting_at=start + timedelta(days=3),
            intro_meeting_place=slot.address,
            now=start + timedelta(days=1),
        )
        starts = (start + timedelta(days=10)).date()
        placement = placement_propose(
            interest=interest,
            actor=youth,
            hours_per_week=15,
            start_date=starts,
            now=start + timedelta(days=4),
        )
        placement_approve(placement=placement, actor=staff, now=start + timedelta(days=5))
        started = datetime.combine(starts, time(9, 0), tzinfo=start.tzinfo)
        placement_start(placement=placement, now=started)
        ended = started + timedelta(weeks=weeks)
        placement_complete(placement=placement, actor=staff, now=ended)
        placement_record_outcome(placement=placement, actor=staff, outcome=led_to, now=ended)
        return ended

    def _attendance(self, demo: Demo, youth: Youth, consultant: Consultant) -> None:
        for number, meeting in enumerate(
            demo.groups[youth.municipality.slug].meetings.filter(starts_at__lt=demo.now)
        ):
            status = "excused" if (youth.pk + number) % 5 == 0 else "present"
            attendance_record(
                meeting=meeting,
                youth=youth,
                status=status,
                actor=consultant.user,
                now=meeting.ends_at,
            )

    def _journey(self, demo: Demo, youth: Youth, consultant: Consultant, sector: str, stage: str):
        """Walk one youth through the funnel as far as their ``stage``."""
        staff = consultant.user
        if stage == "paused":
            youth_pause(youth=youth, actor=staff, now=demo.now - timedelta(weeks=2))
            return
        if stage == "left":
            youth_leave(
                youth=youth,
                actor=staff,
                destination=Destination.EDUCATION,
                now=demo.now - timedelta(weeks=1),
            )
            return
        if stage == "browsing":
            return
        slot = demo.slots[f"{sector}:0"]
        member = slot.company.members.get().user
        past = {"completed": 10, "ended_early": 9, "active": 6}.get(stage, 1)
        t0 = demo.now - timedelta(weeks=past)
        interest = interest_show(
            youth=youth,
            slot=slot,
            actor=youth,
            now=t0,
            message="Jeg kan godt lide at arbejde med hænderne og vil gerne prøve det her.",
        )
        if stage == "interested":
            return
        if stage == "declined":
            interest_decline(
                interest=interest,
                actor=member,
                now=t0 + timedelta(days=1),
                reason="Vi har desværre ikke tid til en ny lige nu. Prøv igen til foråret!",
            )
            return
        intro_at = (demo.now + timedelta(days=3)) if stage == "intro" else t0 + timedelta(days=3)
        interest_accept(
            interest=interest,
            actor=member,
            now=t0 + timedelta(days=1),
            intro_meeting_at=intro_at.replace(hour=9, minute=0, second=0, microsecond=0),
            intro_meeting_place=f"{slot.company.name}, {slot.address}",
        )
        if stage == "intro":
            return
        starts = (
            (t0 + timedelta(days=7)).date() if past > 1 else (demo.now + timedelta(days=7)).date()
        )
        placement = placement_propose(
            interest=interest,
            actor=youth,
            hours_per_week=slot.hours_min + 4,
            start_date=starts,
            now=t0 + timedelta(days=4),
        )
        if stage == "proposed":
            return
        placement_approve(placement=placement, actor=staff, now=t0 + timedelta(days=5))
        if stage == "approved":
            return
        started = datetime.combine(starts, time(9, 0), tzinfo=demo.now.tzinfo)
        placement_start(placement=placement, now=started)
        self._checkins(demo, placement, youth, started, stage)
        note_create(
            placement=placement,
            actor=staff,
            met_workplace_contact=True,
            text="Mødtes med kontaktpersonen. Godt i gang; aftalt at øge timerne efter tre uger.",
            now=started + timedelta(days=9),
        )
        if stage == "completed":
            placement_complete(placement=placement, actor=staff, now=started + timedelta(weeks=6))
        elif stage == "ended_early":
            placement_end_early(
                placement=placement,
                actor=youth,
                now=started + timedelta(weeks=3),
                reason="Det passede ikke til mig, men jeg vil gerne prøve noget andet.",
            )

    def _checkins(self, demo, placement, youth, started: datetime, stage: str) -> None:
        weeks = {"completed": 6, "ended_early": 3}.get(stage, 5)
        sentences = [
            "Første uge var lidt hård, men folk er søde.",
            "Jeg fik lov at prøve kassen selv!",
            "Min kontaktperson tager sig god tid til at forklare.",
            "",
            "Jeg glæder mig faktisk til at tage af sted om morgenen.",
            "Rart at have noget at stå op til.",
        ]
        for week in range(weeks):
            moment = started + timedelta(weeks=week, days=4, hours=5)
            if moment >= demo.now:
                break
            checkin_submit(
                placement=placement,
                actor=youth,
                score=min(5, 3 + (week + youth.pk) % 3),
                text=sentences[week % len(sentences)],
                share=week % 2 == 1,
                now=moment,
            )

    def _intake(self, demo: Demo) -> None:
        """Vejle randomises its intake: an admin turned it on, a consultant registered a dozen
        referrals and drew them, and registered three of the NExTWORK arm as young people."""
        municipality = demo.municipalities["vejle"]
        consultant = demo.consultants["sofie"]
        staff = consultant.user
        intake_configure(
            municipality=municipality,
            actor=demo.admin,
            randomised=True,
            now=demo.now - timedelta(weeks=5),
        )
        municipality.refresh_from_db()
        for reference, born, days_ago in INTAKE_REFERRALS:
            referral_register(
                municipality=municipality,
                actor=staff,
                reference=reference,
                birth_year=born,
                referral_date=timezone.localdate(demo.now - timedelta(days=days_ago)),
                now=demo.now - timedelta(days=days_ago),
            )
        draw = draw_run(municipality=municipality, actor=staff, now=demo.now - timedelta(days=3))
        nextwork = draw.referrals.filter(arm=Arm.NEXTWORK).order_by("pk")
        for first, referral in zip(INTAKE_FIRST_NAMES, nextwork, strict=False):
            youth_create(
                municipality=municipality,
                actor=staff,
                first_name=first,
                birth_date=date(referral.birth_year, 6, 1),
                contact_consultant=consultant,
                referral=referral,
                now=demo.now - timedelta(days=2),
            )

    def _event(self, demo: Demo) -> None:
        roskilde = demo.municipalities["roskilde"]
        mette = demo.consultants["mette"].user
        starts = (demo.now + timedelta(days=16)).replace(hour=12, minute=0, second=0, microsecond=0)
        event = event_services.event_create(
            municipality=roskilde,
            actor=mette,
            title="Matchdag i Roskilde",
            # No count in the text: the companies coming are listed beside it, and change.
            description="Mød lokale virksomheder på én eftermiddag. Kaffe og kage er på os.",
            place="Roskilde Kongrescenter",
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            signup_deadline=starts - timedelta(days=2),
            youth_capacity=6,
            company_capacity=8,
            now=demo.now,
        )
        event_services.event_publish(event=event, actor=mette, now=demo.now)
        for login in ["bageriet", "fjordblik", "kodehuset", "tomrer"]:
            company = demo.companies[login]
            company_signup(
                event=event,
                company=company,
                actor=company.members.get().user,
                attendees=2,
                slot_ids=list(
                    company.slots.filter(status=Slot.Status.OPEN).values_list("pk", flat=True)
                ),
                now=demo.now,
            )
        youth = Youth.objects.filter(municipality=roskilde, status=Youth.Status.ACTIVE).order_by(
            "pk"
        )
        for person in youth[:7]:
            youth_signup(event=event, youth=person, actor=person, now=demo.now)


# Vejle's randomised intake: referrals (case reference, birth year, days ago), drawn at once.
INTAKE_REFERRALS = [
    (f"VEJ-2026-{number:03d}", 1998 + number % 12, 30 - 2 * number) for number in range(1, 13)
]
INTAKE_FIRST_NAMES = ("Rasmus", "Nanna", "Tobias")


def _demo_cvr(number: int) -> str:
    """A CVR number that passes the modulus-11 check, stable per company."""
    candidate = 31_000_000 + number * 1_013
    while not cvr_is_valid(str(candidate)):
        candidate += 1
    return str(candidate)
