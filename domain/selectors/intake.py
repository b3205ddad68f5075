"""Randomised intake, read side: the referrals and draws a caller may see, the draw itself as a
pure function of its seed, its referrals and its ratio, and recomputing a stored draw.

The assignment (docs/evaluation.md, "Randomised intake"): the referrals of a draw are split
into strata by age band; within each stratum they are ordered by id and shuffled by a
``random.Random`` seeded from the draw's seed and the stratum; the shuffled list gets
``floor(n × share)`` places of each arm, and a stratum's one place left over (when ``n`` is
not a multiple of the ratio's total) goes to the arms in turn across the draw's strata,
starting with an arm chosen by the seed. The same seed, referrals and ratio always give the
same arms.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from domain import policy
from domain.models import AgeBand, Arm, Draw, Municipality, Referral


def _rng(seed: str, label: str) -> random.Random:
    """A generator for one use of the seed: the same seed and label give the same numbers on
    every machine and Python version (an integer seed, not ``hash()``)."""
    digest = hashlib.sha256(f"{seed}:{label}".encode()).digest()
    return random.Random(int.from_bytes(digest, "big"))


def assign_arms(
    *, seed: str, referrals: Iterable[tuple[int, str]], ratio: tuple[int, int]
) -> dict[int, str]:
    """Referral id → arm for ``referrals`` (``(id, age band)`` pairs) drawn with ``seed`` at
    ``ratio`` (NExTWORK : usual service). Deterministic; see the module's docstring."""
    share_nextwork, share_usual = ratio
    total = share_nextwork + share_usual
    strata: dict[str, list[int]] = {}
    for referral_id, band in referrals:
        strata.setdefault(band, []).append(referral_id)
    # Who gets the next place left over: the arms take turns, the first chosen by the seed.
    turn = _rng(seed, "leftover").randrange(2)
    arms: dict[int, str] = {}
    for band in sorted(strata):
        ids = sorted(strata[band])
        _rng(seed, band).shuffle(ids)
        nextwork = len(ids) * share_nextwork // total
        usual = len(ids) * share_usual // total
        places = [Arm.NEXTWORK] * nextwork + [Arm.USUAL] * usual
        # Two arms: the floors leave at most one place over.
        for _left in range(len(ids) - nextwork - usual):
            places.append((Arm.NEXTWORK, Arm.USUAL)[turn])
            turn = 1 - turn
        arms.update({referral_id: str(arm) for referral_id, arm in zip(ids, places, strict=True)})
    return arms


def draw_reproduce(draw: Draw) -> dict[int, str]:
    """The arms ``draw`` gives when recomputed from its stored seed, referrals and ratio: equal
    to the stored arms (``draw_stored_arms``) unless something changed them."""
    referrals = draw.referrals.order_by("pk").values_list("pk", "age_band")
    return assign_arms(
        seed=draw.seed, referrals=referrals, ratio=(draw.ratio_nextwork, draw.ratio_usual)
    )


def draw_stored_arms(draw: Draw) -> dict[int, str]:
    return dict(draw.referrals.order_by("pk").values_list("pk", "arm"))


# --- scoped reads --------------------------------------------------------------------------------


def _municipality_ids(user: object) -> QuerySet | list[int] | None:
    """None: every municipality (an admin); else the ids the user may see (none for others)."""
    role = policy.role_of(user)
    if role == "admin":
        return None
    municipality_id = policy.consultant_municipality_id(user)
    return [municipality_id] if municipality_id is not None else []


def referrals_visible_to_user(*, user: object) -> QuerySet[Referral]:
    """A consultant's municipality's referrals, every one for an admin, none for anyone else."""
    rows = Referral.objects.select_related("municipality", "draw", "youth")
    ids = _municipality_ids(user)
    if ids is not None:
        rows = rows.filter(municipality_id__in=ids)
    return rows.order_by("-referral_date", "-pk")


def referral_get_for_user(*, user: object, referral_id: int) -> Referral:
    referral = referrals_visible_to_user(user=user).filter(pk=referral_id).first()
    if referral is None:
        raise policy.not_found()
    return referral


def draws_visible_to_user(*, user: object) -> QuerySet[Draw]:
    rows = Draw.objects.select_related("municipality", "drawn_by")
    ids = _municipality_ids(user)
    if ids is not None:
        rows = rows.filter(municipality_id__in=ids)
    return rows.order_by("-drawn_at", "-pk")


def draw_get_for_user(*, user: object, draw_id: int) -> Draw:
    draw = draws_visible_to_user(user=user).filter(pk=draw_id).first()
    if draw is None:
        raise policy.not_found()
    return draw


def draw_strata(draw: Draw) -> list[dict]:
    """Per age band: how many referrals the draw put in each arm (one query)."""
    counts = Counter(draw.referrals.values_list("age_band", "arm"))
    return [
        {
            "age_band": band,
            "nextwork": counts[(band, Arm.NEXTWORK)],
            "usual": counts[(band, Arm.USUAL)],
            "total": counts[(band, Arm.NEXTWORK)] + counts[(band, Arm.USUAL)],
        }
        for band in AgeBand.values
    ]


def municipality_randomises(municipality: Municipality) -> bool:
    """Whether the municipality's figures have arms: it draws now, or has drawn before."""
    return municipality.intake_randomised or municipality.draws.exists()


def intake_municipalities_for_user(*, user: object) -> QuerySet[Municipality]:
    """The municipalities whose intake the user may work on: a consultant's own (on or off:
    the page says which), for an admin every municipality that randomises or has drawn."""
    ids = _municipality_ids(user)
    if ids is None:
        return (
            Municipality.objects.filter(
                Q(intake_randomised=True) | Q(pk__in=Draw.objects.values("municipality_id"))
            )
            .distinct()
            .order_by("name")
        )
    return Municipality.objects.filter(pk__in=ids).order_by("name")


def intake_municipality_get_for_user(*, user: object, municipality_id: int) -> Municipality:
    municipality = intake_municipalities_for_user(user=user).filter(pk=municipality_id).first()
    if municipality is None:
        raise policy.not_found()
    return municipality


def referrals_waiting(*, municipality: Municipality) -> int:
    """Referrals registered and not yet drawn."""
    return Referral.objects.filter(
        municipality=municipality, draw__isnull=True, erased_at__isnull=True
    ).count()
