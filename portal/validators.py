"""Validators shared by models, services and every interface."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
YOUTH_MIN_AGE = 15
YOUTH_MAX_AGE = 29


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
