"""Template context for every page."""

from django.http import HttpRequest


def csp_nonce(request: HttpRequest) -> dict[str, object]:
    """The response's CSP nonce as ``csp_nonce`` (the name django-htmx's script tag and Django's
    own future CSP support read), lazily: django-csp puts a nonce in the header only once a
    template used it."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
