"""The research export: one row per youth of a municipality under a study's pseudonym, as a
described table for a Frictionless Data Package (``domain.tabular``).

No name, no id, no free text: the youth and their group appear only as HMACs under the study's
own key (never ``SECRET_KEY``), so the pseudonyms link exports of one study and nothing else,
and rotating the study's key breaks even that. An erased youth is a row with a fresh random
pseudonym each time: counted, never linked. Admins only, and every export is audited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime

from django.db.models import Avg, Count
from django.utils import timezone

from domain import policy
from domain.audit import audit_log
from domain.models import (
    Arm,
    CheckIn,
    Destination,
    FollowUpAnswer,
    Municipality,
    Referral,
    Study,
    Youth,
    YouthSignup,
)
from domain.selectors.outcomes import (
    FOLLOWUP_MONTHS,
    NO_ANSWER,
    YouthFacts,
    youth_facts,
)
from domain.tabular import Column, Table, data_package
from domain.timeutils import local_date
from domain.validators import AGE_BANDS, age_band

STATUSES = [Youth.Status.ACTIVE, Youth.Status.PAUSED, Youth.Status.LEFT]
NOT_RANDOMISED = "not_randomised"
ARMS = [*Arm.values, NOT_RANDOMISED]

COLUMNS = (
    Column(
        "pseudonym",
        "string",
        "The young person under this study's pseudonym: the same in every export of the "
        "study until its key is rotated; random for an erased young person.",
        "Den unge under projektets pseudonym: det samme i alle projektets udtræk, indtil "
        "nøglen skiftes; tilfældigt for en slettet ung.",
        required=True,
        unique=True,
    ),
    Column(
        "municipality",
        "string",
        "The municipality (its short name).",
        "Kommunen (dens korte navn).",
        required=True,
    ),
    Column(
        "age_band",
        "string",
        "Age at registration, in bands; empty once erased.",
        "Alder ved registrering, i intervaller; tom, når den unge er slettet.",
        enum=[label for label, _low, _high in AGE_BANDS],
    ),
    Column(
        "group",
        "string",
        "The network group (now, or when they left) under this study's pseudonym.",
        "Netværksgruppen (nu eller ved ophør) under projektets pseudonym.",
    ),
    Column(
        "start_month",
        "yearmonth",
        "The month the young person was registered (their start).",
        "Den måned, den unge blev registreret (start).",
        required=True,
    ),
    Column(
        "status",
        "string",
        "Taking part (active), paused, or left.",
        "Deltager (active), på pause (paused) eller stoppet (left).",
        enum=STATUSES,
        required=True,
    ),
    Column(
        "weeks_in_placement",
        "number",
        "Weeks spent in company placements (internships and paid hours) up to the export.",
        "Uger i virksomhedsforløb (praktik og løntimer) op til udtrækket.",
        minimum=0,
        required=True,
    ),
    Column(
        "placements",
        "integer",
        "Company placements started.",
        "Påbegyndte virksomhedsforløb.",
        minimum=0,
        required=True,
    ),
    Column(
        "switches",
        "integer",
        "Switches from one company to another.",
        "Skift fra én virksomhed til en anden.",
        minimum=0,
        required=True,
    ),
    Column(
        "hours",
        "number",
        "Hours in placements: weeks times the agreed hours per week, summed.",
        "Timer i forløb: uger gange de aftalte timer om ugen, lagt sammen.",
        minimum=0,
        required=True,
    ),
    Column(
        "days_to_first_placement",
        "integer",
        "Days from registration to the start of the first placement; empty if none.",
        "Dage fra registrering til start på første forløb; tom, hvis intet forløb.",
        minimum=0,
    ),
    Column(
        "placement_job_offers",
        "integer",
        "Ended placements that led to a job offer at the company.",
        "Afsluttede forløb, der førte til et jobtilbud i virksomheden.",
        minimum=0,
        required=True,
    ),
    Column(
        "placement_paid_hours",
        "integer",
        "Ended placements that led to paid hours at the company.",
        "Afsluttede forløb, der førte til løntimer i virksomheden.",
        minimum=0,
        required=True,
    ),
    Column(
        "meetings_recorded",
        "integer",
        "Group meetings with attendance recorded for the young person.",
        "Gruppemøder, hvor den unges fremmøde er registreret.",
        minimum=0,
        required=True,
    ),
    Column(
        "attendance_rate",
        "number",
        "Share of those meetings attended (0–1); empty if none was recorded.",
        "Andel af de møder, den unge mødte op til (0–1); tom, hvis intet er registreret.",
        minimum=0,
        maximum=1,
    ),
    Column(
        "events_attended",
        "integer",
        "Match events attended.",
        "Matcharrangementer, den unge deltog i.",
        minimum=0,
        required=True,
    ),
    Column(
        "checkins",
        "integer",
        "Weekly check-ins answered during placements.",
        "Besvarede ugentlige check-ins under forløb.",
        minimum=0,
        required=True,
    ),
    Column(
        "checkin_mean",
        "number",
        "Mean check-in score (1–5); empty if none.",
        "Gennemsnitlig check-in-score (1–5); tom, hvis ingen.",
        minimum=1,
        maximum=5,
    ),
    Column(
        "destination",
        "string",
        "Where the young person went when they left; empty while taking part.",
        "Hvad den unge gik videre til ved ophør; tom, mens den unge deltager.",
        enum=Destination.values,
    ),
    Column(
        "destination_month",
        "yearmonth",
        "The month the destination began.",
        "Den måned, det den unge gik videre til, begyndte.",
    ),
    *(
        Column(
            f"followup_{months}m",
            "string",
            f"The answer to the question asked {months} months after leaving (job, education, "
            "looking, other, not_say), no_answer when asked without an answer, empty when not "
            "asked (not accepted, or not yet due).",
            f"Svaret på spørgsmålet {months} måneder efter ophør (job, education, looking, "
            "other, not_say), no_answer når der er spurgt uden svar, tom når der ikke er "
            "spurgt (ikke accepteret eller ikke nået endnu).",
            enum=[*FollowUpAnswer.values, NO_ANSWER],
        )
        for months in FOLLOWUP_MONTHS
    ),
    Column(
        "erased",
        "boolean",
        "The young person's data was erased: the row is counted, never linked.",
        "Den unges data er slettet: rækken tælles med, men kan aldrig kobles.",
        required=True,
    ),
    Column(
        "arm",
        "string",
        "The arm of the randomised intake: nextwork (drawn to NExTWORK), usual (drawn to usual "
        "service: never invited, so every measure of the programme is empty) or not_randomised "
        "(registered without a draw).",
        "Armen i det lodtrukne optag: nextwork (trukket til NExTWORK), usual (trukket til "
        "sædvanlig indsats: aldrig inviteret, så programmets mål er tomme) eller "
        "not_randomised (registreret uden lodtrækning).",
        enum=ARMS,
        required=True,
    ),
    Column(
        "referral_month",
        "yearmonth",
        "The month of the referral, for a randomised intake; empty when not randomised.",
        "Henvisningens måned i et lodtrukket optag; tom, når den unge ikke er lodtrukket.",
    ),
)
# A referral drawn in a randomised intake who never took part (usual service, or NExTWORK and
# never registered) is a row too, as the trial counts everyone drawn: these columns are empty.
IN_PROGRAMME = {
    "start_month",
    "status",
    "weeks_in_placement",
    "placements",
    "switches",
    "hours",
    "placement_job_offers",
    "placement_paid_hours",
    "meetings_recorded",
    "events_attended",
    "checkins",
}
COLUMNS = tuple(
    replace(
        column,
        required=False,
        description_en=f"{column.description_en} Empty for a referral who did not take part.",
        description_da=f"{column.description_da} Tom for en henvist, der ikke deltog.",
    )
    if column.name in IN_PROGRAMME
    else column
    for column in COLUMNS
)


def study_pseudonym(study: Study, kind: str, pk: int, *, length: int = 12) -> str:
    """An HMAC-SHA256 of ``kind:pk`` under the study's key, shortened."""
    digest = hmac.new(study.key.encode(), f"{kind}:{pk}".encode(), hashlib.sha256).hexdigest()
    return digest[:length]


def _checkins(youth_ids: list[int]) -> dict[int, tuple[int, float | None]]:
    rows = (
        CheckIn.objects.filter(placement__youth_id__in=youth_ids)
        .order_by()
        .values("placement__youth_id")
        .annotate(n=Count("pk"), mean=Avg("score"))
    )
    return {row["placement__youth_id"]: (row["n"], row["mean"]) for row in rows}


def _events_attended(youth_ids: list[int]) -> dict[int, int]:
    rows = (
        YouthSignup.objects.filter(youth_id__in=youth_ids, status=YouthSignup.Status.ATTENDED)
        .order_by()
        .values("youth_id")
        .annotate(n=Count("pk"))
    )
    return {row["youth_id"]: row["n"] for row in rows}


def _arms(youth_ids: list[int]) -> dict[int, tuple[str, date]]:
    """Youth id → (arm, referral date) for the youth who came through a draw."""
    rows = Referral.objects.filter(youth_id__in=youth_ids, draw__isnull=False).values_list(
        "youth_id", "arm", "referral_date"
    )
    return {youth_id: (arm, day) for youth_id, arm, day in rows}


def _referral_row(study: Study, municipality: Municipality, referral: Referral) -> list:
    """A referral drawn but never taking part: its arm, municipality, age band and month only
    (never its reference)."""
    pseudonym = (
        f"X-{secrets.token_hex(6)}"
        if referral.erased_at is not None
        else f"D-{study_pseudonym(study, 'referral', referral.pk)}"
    )
    values = dict.fromkeys((column.name for column in COLUMNS), None)
    values.update(
        pseudonym=pseudonym,
        municipality=municipality.slug,
        age_band=referral.age_band,
        erased=referral.erased_at is not None,
        arm=referral.arm,
        referral_month=referral.referral_date,
    )
    return [values[column.name] for column in COLUMNS]


def _row(
    study: Study, municipality: Municipality, fact: YouthFacts, checkins, events, arms
) -> list:
    outcomes = defaultdict(int)
    for outcome in fact.outcomes:
        outcomes[outcome] += 1
    n_checkins, checkin_mean = checkins.get(fact.id, (0, None))
    pseudonym = (
        f"X-{secrets.token_hex(6)}"
        if fact.erased
        else f"R-{study_pseudonym(study, 'youth', fact.id)}"
    )
    group = (
        f"G-{study_pseudonym(study, 'group', fact.group_id, length=8)}" if fact.group_id else None
    )
    rate = fact.attendance_rate
    return [
        pseudonym,
        municipality.slug,
        age_band(fact.age_at_start),
        group,
        fact.start,
        fact.status,
        round(fact.weeks_in_placement, 2),
        fact.placements,
        fact.switches,
        round(fact.hours, 1),
        fact.days_to_first_placement,
        outcomes["job_offer"],
        outcomes["paid_hours"],
        fact.meetings_recorded,
        round(rate, 3) if rate is not None else None,
        events.get(fact.id, 0),
        n_checkins,
        round(checkin_mean, 2) if checkin_mean is not None else None,
        fact.destination or None,
        fact.destination_date,
        *(fact.followups.get(months) for months in FOLLOWUP_MONTHS),
        fact.erased,
        arms.get(fact.id, (NOT_RANDOMISED, None))[0],
        arms.get(fact.id, (NOT_RANDOMISED, None))[1],
    ]


def research_export(
    *, user: object, study_id: int, municipality_id: int, now: datetime | None = None
) -> tuple[dict, list[Table]]:
    """The package's ``datapackage.json`` content and its tables, for an admin (anyone else:
    ``forbidden``; an unknown study or municipality: ``not_found``). Audited as
    ``research.export`` with the study, the municipality and the number of rows."""
    now = now or timezone.now()
    if policy.role_of(user) != "admin":
        raise policy.forbidden()
    study = Study.objects.filter(pk=study_id).first()
    municipality = Municipality.objects.filter(pk=municipality_id).first()
    if study is None or municipality is None:
        raise policy.not_found()
    youth = (
        Youth.objects.filter(municipality=municipality)
        .exclude(status=Youth.Status.INVITED)
        .order_by("pk")
    )
    facts = youth_facts(
        youth, tz_name=municipality.timezone, today=local_date(now, municipality.timezone), now=now
    )
    ids = [fact.id for fact in facts]
    checkins, events, arms = _checkins(ids), _events_attended(ids), _arms(ids)
    rows = [_row(study, municipality, fact, checkins, events, arms) for fact in facts]
    # Everyone drawn is counted (as the trial did): the referrals not among the rows above.
    not_taking_part = (
        Referral.objects.filter(municipality=municipality, draw__isnull=False)
        .exclude(youth_id__in=ids)
        .order_by("pk")
    )
    rows += [_referral_row(study, municipality, referral) for referral in not_taking_part]
    # Sorted by pseudonym: the row order says nothing about who registered first.
    rows.sort(key=lambda row: row[0])
    table = Table(
        name="youth",
        title="Young people in NExTWORK / Unge i NExTWORK",
        description="One row per young person who took part (beyond an unanswered invite), "
        "and one per referral drawn in a randomised intake who did not. / Én række pr. ung, "
        "der deltog (mere end en ubesvaret invitation), og én pr. lodtrukket henvist, der "
        "ikke deltog.",
        columns=COLUMNS,
        rows=rows,
    )
    descriptor = data_package(
        name=f"nextwork-{municipality.slug}-research",
        title=f"NExTWORK: {study.name} ({municipality.name})",
        description="Pseudonymised research export of the NExTWORK programme's measures. "
        "Measures are defined in docs/evaluation.md. / Pseudonymiseret forskningsudtræk af "
        "NExTWORK-programmets effektmål.",
        tables=[table],
        created=now,
        extra={"keywords": ["NExTWORK", "youth employment", "RCT"], "x_study": study.name},
    )
    audit_log(
        actor=user,
        action="research.export",
        target=study,
        municipality_id=municipality.pk,
        data={"rows": len(rows)},
        now=now,
    )
    return descriptor, [table]
