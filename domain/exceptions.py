"""The one error type the domain raises. Every interface translates it in exactly one place."""

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule refused an action. ``message`` is translated and safe to show to the user.

    ``code`` is stable and machine-readable. Interfaces map a few codes to their own answers:
    ``not_found`` (404: the caller may not know the object exists), ``forbidden`` (403),
    ``conflict`` / ``invalid_state`` / ``full`` (409), ``busy`` (503, try again); anything else
    is bad input (400). ``field`` names the input field at fault, when there is one.
    """

    def __init__(self, message: str | Promise, *, code: str = "invalid", field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field

    def __str__(self) -> str:
        return str(self.message)

    def __repr__(self) -> str:
        return f"DomainError(code={self.code!r}, field={self.field!r}, message={str(self)!r})"
