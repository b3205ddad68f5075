"""Reads of interests, placements, check-ins and follow-up notes, scoped to who is asking."""

from django.db.models import Count, QuerySet, Subquery

from domain.models import CheckIn, Company, FollowUpNote, Interest, Placement, Youth
from domain.policy import (
    can_follow_up,
    consultant_municipality_id,
    member_company_id,
    not_found,
    role_of,
)

INTEREST_RELATED = ("youth__municipality", "slot__company", "slot__sector", "decided_by")
PLACEMENT_RELATED = (
    "youth__municipality",
    "slot__company",
    "slot__sector",
    "interest",
    "previous",
    "decided_by",
)
# A sentence could point at the only youth placed at a small company, and the company reads
# the sentences on its own slot page too: none show until at least this many different youth
# share sentences about that company.
EXPERIENCES_MIN_AUTHORS = 2
EXPERIENCES_SHOWN = 3


def _scoped(
    queryset: QuerySet, user: object, *, municipality_field: str = "youth__municipality_id"
) -> QuerySet:
    """Admin: all. Consultant: their municipality's youth. Company member: their company's
    slots. Anyone else (youth, anonymous, inactive, the system): nothing.

    ``municipality_field`` is the path to the youth's municipality: interests hold a copy of
    it on the row, with an index of their own."""
    role = role_of(user)
    if role == "admin":
        return queryset
    if role == "consultant":
        return queryset.filter(**{municipality_field: consultant_municipality_id(user)})
    if role == "company":
        return queryset.filter(slot__company_id=member_company_id(user))
    return queryset.none()


def _get(queryset: QuerySet, pk: object):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise not_found() from None


# --- interests ------------------------------------------------------------------------------------


def interests_visible_to_user(*, user: object) -> QuerySet[Interest]:
    """Interests on the company's own slots, of the consultant's municipality's youth, or all
    for an admin; newest first."""
    return _scoped(
        Interest.objects.select_related(*INTEREST_RELATED),
        user,
        municipality_field="municipality_id",
    )


def interest_get_for_user(*, user: object, interest_id: int) -> Interest:
    """One interest; ``not_found`` when the user may not see it."""
    return _get(interests_visible_to_user(user=user), interest_id)


def interests_of_youth(*, youth: Youth) -> QuerySet[Interest]:
    """The youth's own interests (the bot's "My interests & placements"), newest first."""
    return Interest.objects.filter(youth_id=youth.pk).select_related(*INTEREST_RELATED)


def interest_get_for_youth(*, youth: Youth, interest_id: int) -> Interest:
    """One of the youth's own interests (callback data is untrusted); else ``not_found``."""
    return _get(interests_of_youth(youth=youth), interest_id)


# --- placements -----------------------------------------------------------------------------------


def placements_visible_to_user(*, user: object) -> QuerySet[Placement]:
    """Placements on the company's own slots, of the consultant's municipality's youth, or all
    for an admin; newest first."""
    return _scoped(Placement.objects.select_related(*PLACEMENT_RELATED), user)


def placement_get_for_user(*, user: object, placement_id: int) -> Placement:
    """One placement; ``not_found`` when the user may not see it."""
    return _get(placements_visible_to_user(user=user), placement_id)


def placements_awaiting_approval(*, user: object) -> QuerySet[Placement]:
    """Proposed placements the user may approve (consultant: own municipality; admin: all),
    oldest first. Companies approve nothing, so they get none."""
    if role_of(user) not in ("admin", "consultant"):
        return Placement.objects.none()
    return (
        placements_visible_to_user(user=user)
        .filter(status=Placement.Status.PROPOSED)
        .order_by("created_at", "pk")
    )


def placements_of_youth(*, youth: Youth) -> QuerySet[Placement]:
    """The youth's own placements, newest first."""
    return Placement.objects.filter(youth_id=youth.pk).select_related(*PLACEMENT_RELATED)


def placement_get_for_youth(*, youth: Youth, placement_id: int) -> Placement:
    """One of the youth's own placements; else ``not_found``."""
    return _get(placements_of_youth(youth=youth), placement_id)


# --- follow-up notes and check-ins ----------------------------------------------------------------


def notes_for_placement(*, user: object, placement: Placement) -> QuerySet[FollowUpNote]:
    """The placement's follow-up notes, newest first: consultants of the youth's municipality
    and admins only. Anyone else gets ``not_found``, so a company cannot learn notes exist."""
    if not can_follow_up(user, placement.youth.municipality_id):
        raise not_found()
    return FollowUpNote.objects.filter(placement_id=placement.pk).select_related("author")


def checkins_for_placement(*, user: object, placement: Placement) -> QuerySet[CheckIn]:
    """A placement's check-ins (scores and sentences, shared or not), newest first: for the
    youth's consultants and admins. Companies only ever see anonymised shared sentences
    (``shared_experiences_for_company``), so they get ``not_found`` here."""
    if not can_follow_up(user, placement.youth.municipality_id):
        raise not_found()
    return CheckIn.objects.filter(placement_id=placement.pk)


def checkin_get_for_youth(*, youth: Youth, checkin_id: int) -> CheckIn:
    """One of the youth's own check-ins (the bot's "share it?" button); else ``not_found``."""
    return _get(CheckIn.objects.filter(placement__youth_id=youth.pk), checkin_id)


def _shared_checkins(company: Company) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(
        placement__slot__company_id=company.pk,
        shared=True,
        placement__youth__share_experiences=True,
        placement__youth__erased_at__isnull=True,
    ).exclude(text="")


def shared_experiences_for_company(
    *, company: Company, limit: int = EXPERIENCES_SHOWN
) -> list[dict]:
    """Anonymised sentences from youth's check-ins at ``company``, newest first, for a slot card
    (the bot's and the company's own page alike): ``{"text", "score", "week"}`` only, never a
    name or an id. A sentence shows when its check-in is shared, its youth keeps consenting to
    sharing (``Youth.share_experiences``) and has not been erased — and only once at least
    ``EXPERIENCES_MIN_AUTHORS`` different youth share about the company; until then, none.
    One query: the authors are counted in a subquery."""
    authors = (
        _shared_checkins(company)
        .order_by()
        .values("placement__slot__company_id")
        .annotate(count=Count("placement__youth_id", distinct=True))
        .values("count")
    )
    rows = (
        _shared_checkins(company)
        .alias(authors=Subquery(authors))
        .filter(authors__gte=EXPERIENCES_MIN_AUTHORS)
        .order_by("-week", "-pk")
        .values("text", "score", "week")[: max(limit, 0)]
    )
    return list(rows)
