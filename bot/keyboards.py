"""Every inline keyboard the bot shows. Labels come from texts, data from callbacks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks as cb
from bot import texts

Row = Sequence[tuple[object, str]]


def keyboard(rows: Iterable[Row]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(str(label), callback_data=data) for label, data in row]
            for row in rows
            if row
        ]
    )


def menu_button() -> tuple[object, str]:
    return texts.TO_MENU, cb.encode(cb.MENU, "show")


def main_menu(*, first: Iterable[Row] = ()) -> InlineKeyboardMarkup:
    """The menu, after ``first`` rows when given (e.g. a one-time offer after consent)."""
    return keyboard(
        [
            *first,
            [(texts.MENU_FIND, cb.encode(cb.BROWSE, "list", cb.Filter()))],
            [(texts.MENU_MINE, cb.encode(cb.INTEREST, "list"))],
            [
                (texts.MENU_EVENTS, cb.encode(cb.EVENT, "list")),
                (texts.MENU_MEETINGS, cb.encode(cb.MEETING, "list")),
            ],
            [
                (texts.MENU_SETTINGS, cb.encode(cb.SETTINGS, "show")),
                (texts.MENU_HELP, cb.encode(cb.HELP, "show")),
            ],
            [(texts.MENU_PRIVACY, cb.encode(cb.PRIVACY, "show"))],
        ]
    )


def with_menu(rows: Iterable[Row], *, back: str | None = None) -> InlineKeyboardMarkup:
    """The given rows, then a last row with "back" (if given) and "menu"."""
    last = [(texts.BACK, back)] if back else []
    return keyboard([*rows, [*last, menu_button()]])


def consent(token: str) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [(texts.CONSENT_ACCEPT, cb.encode(cb.CONSENT, "yes", token))],
            [(texts.CONSENT_DECLINE, cb.encode(cb.CONSENT, "no"))],
        ]
    )


def checkin_scores(placement_id: int) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [
                (str(score), cb.encode(cb.CHECKIN, "score", placement_id, score))
                for score in range(1, 6)
            ]
        ]
    )


def meeting_cant_come(meeting_id: int, label: object) -> InlineKeyboardMarkup:
    return keyboard([[(label, cb.encode(cb.MEETING, "excuse", meeting_id))], [menu_button()]])


def followup_offer(youth_id: int) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [(texts.FOLLOWUP_INVITE_YES, cb.encode(cb.FOLLOWUP, "yes", youth_id))],
            [(texts.FOLLOWUP_INVITE_NO, cb.encode(cb.FOLLOWUP, "no", youth_id))],
        ]
    )


FOLLOWUP_ANSWERS = (
    ("job", texts.FOLLOWUP_ANSWER_JOB),
    ("education", texts.FOLLOWUP_ANSWER_EDUCATION),
    ("looking", texts.FOLLOWUP_ANSWER_LOOKING),
    ("other", texts.FOLLOWUP_ANSWER_OTHER),
    ("not_say", texts.FOLLOWUP_ANSWER_NOT_SAY),
)


def followup_answers(question_id: int) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [(label, cb.encode(cb.FOLLOWUP, "answer", question_id, value))]
            for value, label in FOLLOWUP_ANSWERS
        ]
    )


def intro_cant_come(interest_id: int, label: object) -> InlineKeyboardMarkup:
    return keyboard([[(label, cb.encode(cb.MEETING, "intro", interest_id))], [menu_button()]])
