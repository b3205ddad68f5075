"""CVR modulus-11 and the 15–29 age rule, at their boundaries."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from domain.validators import age_on, cvr_is_valid, validate_cvr, youth_age_is_allowed

WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def weighted_sum(cvr: str) -> int:
    return sum(int(d) * w for d, w in zip(cvr, WEIGHTS, strict=True))


@pytest.mark.parametrize("cvr", ["10150817", "29189447"])
def test_known_cvr_numbers_pass_the_modulus_11_check(cvr):
    # Computed here, independently of the validator: 66 and 176 are multiples of 11.
    assert weighted_sum(cvr) % 11 == 0
    assert cvr_is_valid(cvr)
    validate_cvr(cvr)


@pytest.mark.parametrize("cvr", ["10150818", "10150816", "29189446", "29189448"])
def test_cvr_with_wrong_check_digit_is_refused(cvr):
    assert weighted_sum(cvr) % 11 != 0
    assert not cvr_is_valid(cvr)
    with pytest.raises(ValidationError):
        validate_cvr(cvr)


@pytest.mark.parametrize(
    "cvr",
    [
        "1015081",  # 7 digits
        "101508170",  # 9 digits
        "",
        "1015081A",  # a letter
        "DK101508",
        "1015 817",
        "-1015081",
    ],
)
def test_cvr_of_wrong_length_or_with_letters_is_refused(cvr):
    assert not cvr_is_valid(cvr)


def test_cvr_with_leading_zero_is_refused_even_if_the_sum_checks_out():
    assert weighted_sum("01000004") % 11 == 0
    assert not cvr_is_valid("01000004")


@pytest.mark.parametrize(
    "cvr",
    [
        "١٠١٥٠٨١٧",  # Arabic-Indic digits of 10150817
        "１０１５０８１７",  # full-width digits
        "۱۰۱۵۰۸۱۷",  # Extended Arabic-Indic digits
    ],
)
def test_cvr_with_non_ascii_digits_is_refused(cvr):
    assert all(ch.isdigit() for ch in cvr)
    assert not cvr_is_valid(cvr)


BIRTH = date(2010, 6, 15)


@pytest.mark.parametrize(
    ("today", "age", "allowed"),
    [
        (date(2025, 6, 14), 14, False),  # the day before the 15th birthday
        (date(2025, 6, 15), 15, True),  # the 15th birthday
        (date(2040, 6, 14), 29, True),  # the last day of being 29
        (date(2040, 6, 15), 30, False),  # the 30th birthday
    ],
)
def test_youth_age_boundaries(today, age, allowed):
    assert age_on(BIRTH, today) == age
    assert youth_age_is_allowed(BIRTH, today) is allowed


@pytest.mark.parametrize(
    ("today", "age"),
    [
        (date(2023, 2, 28), 14),  # no 29 February in 2023: the birthday counts from 1 March
        (date(2023, 3, 1), 15),
        (date(2024, 2, 28), 15),
        (date(2024, 2, 29), 16),
    ],
)
def test_age_of_a_29_february_birthday(today, age):
    assert age_on(date(2008, 2, 29), today) == age


def test_29_february_birthday_turns_15_on_1_march_in_a_common_year():
    assert not youth_age_is_allowed(date(2008, 2, 29), date(2023, 2, 28))
    assert youth_age_is_allowed(date(2008, 2, 29), date(2023, 3, 1))
