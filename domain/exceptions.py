"""The one error type the domain raises. Every interface translates it in exactly one place."""

from enum import StrEnum

from django.utils.functional import Promise


class Kind(StrEnum):
    """What sort of refusal an error is: the one thing interfaces decide their answer on."""

    NOT_FOUND = "not_found"  # the caller may not know the object exists (API 404, portal 404)
    FORBIDDEN = "forbidden"  # a known object the caller may not change (API 403, portal 403)
    CONFLICT = "conflict"  # the object's state does not allow the transition (API 409)
    INVALID = "invalid"  # bad input; ``field`` names it when there is one (API 400)
    BUSY = "busy"  # a lock wait timed out: try again (API 503)


def _all(kind: Kind, *codes: str) -> dict[str, Kind]:
    return dict.fromkeys(codes, kind)


# Every code the project raises, with its kind. A code missing here is refused when the error is
# built (and tests/domain/test_errors.py finds it in the source first), so a new code cannot
# silently get the wrong answer.
KINDS: dict[str, Kind] = {
    **_all(Kind.NOT_FOUND, "not_found"),
    **_all(Kind.FORBIDDEN, "forbidden", "sign_in_refused"),
    **_all(Kind.BUSY, "busy"),
    **_all(
        Kind.CONFLICT,
        "invalid_state",
        "conflict",
        "full",
        "event_started",
        "event_not_started",
        "deadline_passed",
        "meeting_started",
        "meeting_not_started",
        "not_confirmed",
        "check_in_not_open",
        "not_in_network",
        "not_member",
        "capacity_below_signups",
        "seats_below_placements",
        "nothing_to_share",
        "too_early",
        "youth_already_linked",
        "telegram_already_linked",
        "youth_unreachable",
        "intake_off",
        "nothing_to_draw",
        "not_drawn",
        "usual_service",
        "referral_used",
        "referral_required",
    ),
    **_all(
        Kind.INVALID,
        "invalid",
        "required",
        "too_long",
        "invalid_characters",
        "looks_like_cpr",
        "age_out_of_range",
        "attendees_out_of_range",
        "capacity_out_of_range",
        "duration_out_of_range",
        "hours_out_of_range",
        "score_out_of_range",
        "seats_out_of_range",
        "consent_invalid",
        "consent_required",
        "otp_invalid",
        "otp_required",
        "consultant_invalid",
        "cvr_invalid",
        "email_invalid",
        "group_invalid",
        "kind_invalid",
        "language_invalid",
        "municipality_invalid",
        "password_invalid",
        "postcode_invalid",
        "sector_invalid",
        "telegram_invalid",
        "date_invalid",
        "date_in_past",
        "date_too_far",
        "deadline_after_start",
        "end_before_start",
        "ends_before_start",
        "end_too_late",
        "start_too_early",
        "start_too_late",
        "starts_in_past",
        "intro_in_past",
        "invalid_date",
        "invalid_datetime",
        "invalid_time",
        "invalid_weekday",
        "invalid_facilitators",
        "invalid_slots",
        "invalid_status",
        "message_too_long",
        "place_required",
        "place_too_long",
        "reason_required",
        "reason_too_long",
        "text_required",
        "text_too_long",
        "same_slot",
        "invite_invalid",
        "invite_used",
        "invite_expired",
        "invite_revoked",
        "invite_closed",
        "destination_invalid",
        "answer_invalid",
        "outcome_invalid",
        "date_in_future",
        "reference_invalid",
        "reference_taken",
        "birth_year_invalid",
        "birth_year_mismatch",
        "ratio_invalid",
    ),
}


class DomainError(Exception):
    """A rule refused an action. ``message`` is translated and safe to show to the user.

    ``code`` is stable and machine-readable (the API sends it; a screen may special-case one).
    ``kind`` (a ``Kind``) follows from the code through ``KINDS``, and it is what interfaces map:
    ``NOT_FOUND`` (404: the caller may not know the object exists), ``FORBIDDEN`` (403),
    ``CONFLICT`` (409), ``INVALID`` (400), ``BUSY`` (503, try again). A new code gets its line
    in ``KINDS`` next to its first raise; an unknown code is a ``LookupError`` at once.
    ``field`` names the input field at fault, when there is one.
    """

    def __init__(self, message: str | Promise, *, code: str = "invalid", field: str | None = None):
        if code not in KINDS:
            raise LookupError(f"DomainError code {code!r} has no kind: add it to KINDS.")
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.kind = KINDS[code]
        self.field = field

    def __str__(self) -> str:
        return str(self.message)

    def __repr__(self) -> str:
        return f"DomainError(code={self.code!r}, field={self.field!r}, message={str(self)!r})"


def invalid_state(message: str | Promise) -> DomainError:
    """The transition is not allowed from the object's current state (a ``CONFLICT``)."""
    return DomainError(message, code="invalid_state")
