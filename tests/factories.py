"""factory_boy factories for every model, in one place."""

from datetime import date, timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from domain import models

TODAY = date(2026, 11, 22)


def valid_cvr(prefix7: str) -> str:
    """Complete seven digits into a CVR number that passes the modulus-11 check (or None)."""
    weights = (2, 7, 6, 5, 4, 3, 2)
    total = sum(int(d) * w for d, w in zip(prefix7, weights, strict=True))
    check = (-total) % 11
    return f"{prefix7}{check}" if check < 10 else ""


def _cvr_sequence(n: int) -> str:
    n7 = 1000000 + n * 7
    while True:
        cvr = valid_cvr(str(n7))
        if cvr:
            return cvr
        n7 += 1


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.dk")
    password = factory.django.Password("correct horse battery staple")


class AdminUserFactory(UserFactory):
    is_superuser = True
    is_staff = True


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Municipality
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Kommune {n}")
    slug = factory.Sequence(lambda n: f"kommune-{n}")


def sector(code: str = "retail") -> models.Sector:
    return models.Sector.objects.get(code=code)


class ConsultantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Consultant

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Company

    name = factory.Sequence(lambda n: f"Virksomhed {n} ApS")
    cvr = factory.Sequence(_cvr_sequence)
    address = "Algade 1"
    postcode = "4000"
    city = "Roskilde"
    sector = factory.LazyFunction(sector)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.NetworkMembership

    company = factory.SubFactory(CompanyFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    status = models.NetworkMembership.Status.ACCEPTED


class CompanyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CompanyMember

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Slot

    company = factory.SubFactory(CompanyFactory)
    title = factory.Sequence(lambda n: f"Praktik {n}")
    description = "Hjælp i butikken."
    kind = models.Slot.Kind.INTERNSHIP
    sector = factory.LazyFunction(sector)
    address = "Algade 1"
    postcode = "4000"
    hours_min = 10
    hours_max = 20
    earliest_start = TODAY
    seats = 1
    status = models.Slot.Status.OPEN
    published_at = factory.LazyFunction(timezone.now)


class YouthFactory(factory.django.DjangoModelFactory):
    """A linked, consenting, active youth; override for other stages."""

    class Meta:
        model = models.Youth

    municipality = factory.SubFactory(MunicipalityFactory)
    first_name = factory.Sequence(lambda n: f"Ung{n}")
    birth_date = date(2005, 5, 17)
    status = models.Youth.Status.ACTIVE
    telegram_user_id = factory.Sequence(lambda n: 100000 + n)
    telegram_chat_id = factory.LazyAttribute(lambda y: y.telegram_user_id)
    consent_version = "2026-1"
    consent_at = factory.LazyFunction(timezone.now)


class InvitedYouthFactory(YouthFactory):
    """Created by a consultant, not yet linked nor consenting."""

    status = models.Youth.Status.INVITED
    telegram_user_id = None
    telegram_chat_id = None
    consent_version = ""
    consent_at = None


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Interest

    youth = factory.SubFactory(YouthFactory)
    municipality = factory.LazyAttribute(lambda interest: interest.youth.municipality)
    slot = factory.SubFactory(SlotFactory)
    created_at = factory.LazyFunction(timezone.now)


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Placement

    youth = factory.SubFactory(YouthFactory)
    slot = factory.SubFactory(SlotFactory)
    hours_per_week = 15
    start_date = TODAY + timedelta(days=7)
    created_at = factory.LazyFunction(timezone.now)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.NetworkGroup

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Gruppe {n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Meeting

    group = factory.SubFactory(GroupFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + timedelta(hours=2))
    place = "Ungehuset"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MatchEvent

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Matchdag {n}")
    place = "Rådhuset"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + timedelta(hours=3))
    signup_deadline = factory.LazyAttribute(lambda e: e.starts_at - timedelta(days=1))
    youth_capacity = 10
    company_capacity = 5
    status = models.MatchEvent.Status.PUBLISHED


# --- interests, placements, check-ins, notes (appended with domain/services/placements.py) -----


class AcceptedInterestFactory(InterestFactory):
    """An interest the company accepted, with an intro meeting three days ahead."""

    status = models.Interest.Status.ACCEPTED
    intro_meeting_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    intro_meeting_place = "Algade 1, 4000 Roskilde"
    decided_at = factory.LazyFunction(timezone.now)


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CheckIn

    placement = factory.SubFactory(PlacementFactory, status=models.Placement.Status.ACTIVE)
    week = date(2026, 11, 23)
    score = 4
    text = "Good colleagues, I learnt to use the till."
    shared = False
    created_at = factory.LazyFunction(timezone.now)


class FollowUpNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FollowUpNote

    placement = factory.SubFactory(PlacementFactory)
    author = factory.SubFactory(UserFactory)
    text = "Met the workplace contact; agreed on Tuesdays and Thursdays."
    created_at = factory.LazyFunction(timezone.now)


class YouthMessageFactory(factory.django.DjangoModelFactory):
    """A consultant's message to a youth (the outbox row is the test's business)."""

    class Meta:
        model = models.YouthMessage

    youth = factory.SubFactory(YouthFactory)
    direction = models.YouthMessage.Direction.TO_YOUTH
    text = "Hej, vi ses tirsdag."
    created_at = factory.LazyFunction(timezone.now)


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral waiting for the draw (override ``draw``/``arm`` for a drawn one)."""

    class Meta:
        model = models.Referral

    municipality = factory.SubFactory(MunicipalityFactory, intake_randomised=True)
    reference = factory.Sequence(lambda n: f"SAG-{n:05d}")
    birth_year = 2006
    age_band = "18-24"
    referral_date = date(2026, 11, 2)


class DrawFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Draw

    municipality = factory.SubFactory(MunicipalityFactory, intake_randomised=True)
    seed = "0123456789abcdef0123456789abcdef"
    ratio_nextwork = 1
    ratio_usual = 1
    drawn_at = factory.LazyFunction(timezone.now)
