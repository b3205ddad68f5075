"""Input cleaning shared by the services: one wording for one kind of mistake."""

import re
import unicodedata

from django.utils.translation import gettext as _

from domain.exceptions import DomainError

# Data minimisation: a Danish CPR number (ddmmyy-xxxx, with or without separators) is never
# stored, in any text. Ten digits shaped like a date; an 8-digit phone number does not match.
CPR_LIKE = re.compile(
    r"(?<!\d)(?:0[1-9]|[12]\d|3[01])[ ./-]?(?:0[1-9]|1[0-2])[ ./-]?\d{2}[ ./-]?\d{4}(?!\d)"
)
# Line breaks are fine where a text may have several lines; other control characters (NUL
# above all, which PostgreSQL refuses) are never meaningful input.
MULTILINE_ALLOWED = {"\n", "\r", "\t"}


def tidy(value: object, *, field: str, multiline: bool = False) -> str:
    """Stripped text with no control characters and no CPR number, else a DomainError."""
    text = str(value or "").strip()
    allowed = MULTILINE_ALLOWED if multiline else set()
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in text):
        raise DomainError(
            _("This text contains characters that cannot be stored."),
            code="invalid_characters",
            field=field,
        )
    if CPR_LIKE.search(text):
        raise DomainError(
            _("Please do not write a CPR number here."), code="looks_like_cpr", field=field
        )
    return text


def clean_text(
    value: object, *, field: str, max_length: int, required: bool = True, multiline: bool = False
) -> str:
    """Tidied text, or a DomainError naming ``field`` when it is missing or too long."""
    text = tidy(value, field=field, multiline=multiline)
    if required and not text:
        raise DomainError(_("This field is required."), code="required", field=field)
    if len(text) > max_length:
        raise DomainError(
            _("This text is too long (at most %(max)d characters).") % {"max": max_length},
            code="too_long",
            field=field,
        )
    return text
