"""Validators shared by models, services and every interface."""

from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
YOUTH_MIN_AGE = 15
YOUTH_MAX_AGE = 29
# The age bands of the trial's stratification and of Danish employment statistics: the
# measures, the research export and the randomised intake's strata all use these.
AGE_BANDS = (("15-17", 15, 17), ("18-24", 18, 24), ("25-29", 25, 29))


def age_band(age: int | None) -> str | None:
    """``"18-24"`` for 20; None when unknown (erased) or outside the programme's 15–29."""
    for label, lowest, highest in AGE_BANDS:
        if age is not None and lowest <= age <= highest:
            return label
    return None


def cvr_is_valid(value: str) -> bool:
    """True for an 8-digit CVR number whose modulus-11 weighted sum is 0 (the official check)."""
    if len(value) != 8 or not value.isascii() or not value.isdigit() or value[0] == "0":
        return False
    return sum(int(d) * w for d, w in zip(value, CVR_WEIGHTS, strict=True)) % 11 == 0


def validate_cvr(value: str) -> None:
    if not cvr_is_valid(value):
        raise ValidationError(
            _("Enter a valid CVR number: 8 digits that pass the modulus-11 check."), code="cvr"
        )


def validate_postcode(value: str) -> None:
    if len(value) != 4 or not value.isascii() or not value.isdigit():
        raise ValidationError(_("Enter a Danish postcode of 4 digits."), code="postcode")


def age_on(birth_date: date, day: date) -> int:
    """Completed years on ``day`` (a 29 February birthday counts from 1 March)."""
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


def youth_age_is_allowed(birth_date: date, day: date) -> bool:
    return YOUTH_MIN_AGE <= age_on(birth_date, day) <= YOUTH_MAX_AGE


REMINDER_RULE_NAMES = ("meeting", "event", "intro", "placement_start")


def _valid_clock(value: object) -> bool:
    try:
        time.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def reminder_rule_problem(name: str, rule: object) -> str | None:
    """Why one entry of ``Municipality.reminder_settings`` is unusable, or None if it is fine."""
    if name == "checkin":
        if not isinstance(rule, dict) or not _valid_clock(rule.get("at")):
            return 'checkin needs {"weekday": 0-6, "at": "HH:MM", "weeks_ahead": 1-12}'
        weekday, weeks = rule.get("weekday"), rule.get("weeks_ahead", 4)
        if not (isinstance(weekday, int) and 0 <= weekday <= 6):
            return "checkin weekday must be 0 (Monday) to 6 (Sunday)"
        if not (isinstance(weeks, int) and 1 <= weeks <= 12):
            return "checkin weeks_ahead must be 1 to 12"
        return None
    if name not in REMINDER_RULE_NAMES:
        return f"unknown rule {name!r}"
    if not isinstance(rule, list):
        return f"{name} needs a list of offsets"
    for offset in rule:
        if not isinstance(offset, dict):
            return f"{name}: each offset is an object"
        hours = offset.get("hours_before")
        if hours is not None:
            if not isinstance(hours, int | float) or isinstance(hours, bool) or not 0 < hours <= 72:
                return f"{name}: hours_before must be a number from 0 to 72"
            continue
        days = offset.get("days_before")
        if not (isinstance(days, int) and 0 <= days <= 14 and _valid_clock(offset.get("at"))):
            return (
                f'{name}: an offset is {{"hours_before": N}} or {{"days_before": N, "at": "HH:MM"}}'
            )
    return None


def validate_reminder_settings(value: object) -> None:
    if not isinstance(value, dict):
        raise ValidationError(_("Reminder settings must be an object."), code="reminders")
    for name, rule in value.items():
        problem = reminder_rule_problem(name, rule)
        if problem:
            raise ValidationError(
                _("Invalid reminder setting: %(problem)s"),
                code="reminders",
                params={"problem": problem},
            )


def validate_timezone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("Unknown time zone."), code="timezone") from None


def validate_answer_days(*, reminder: int, alert: int, close: int) -> None:
    """Nobody left waiting: the company is reminded before the consultant is alerted, and both
    before the interest closes (working days, at least one)."""
    if not 1 <= reminder < alert < close:
        raise ValidationError(
            _(
                "The working days must grow: remind the company, then alert the consultant, "
                "then close the interest (at least 1 day for the reminder)."
            ),
            code="answer_days",
        )


def validate_followup_months(value: object) -> None:
    """A list of distinct whole months between 1 and 24, e.g. ``[3, 6, 12]``; ``[]`` is off."""
    valid = (
        isinstance(value, list)
        and all(isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 24 for m in value)
        and len(set(value)) == len(value)
    )
    if not valid:
        raise ValidationError(
            _("Give the months as different whole numbers from 1 to 24, e.g. [3, 6, 12]."),
            code="followup_months",
        )
