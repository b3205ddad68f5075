"""Input cleaning shared by the services: one wording for one kind of mistake."""

from django.utils.translation import gettext as _

from portal.exceptions import DomainError


def clean_text(value: object, *, field: str, max_length: int, required: bool = True) -> str:
    """Stripped text, or a DomainError naming ``field`` when it is missing or too long."""
    text = str(value or "").strip()
    if required and not text:
        raise DomainError(_("This field is required."), code="required", field=field)
    if len(text) > max_length:
        raise DomainError(
            _("This text is too long (at most %(max)d characters).") % {"max": max_length},
            code="too_long",
            field=field,
        )
    return text
