"""Outgoing e-mail (the outbox's e-mail channel, sent by the worker): over SMTP when it is
configured, either as one ``EMAIL_URL`` (``smtp+tls://user:password@host:587``) or as
``EMAIL_HOST`` with its companions; otherwise into the local mailbox (DEBUG, the embedded
default) or to the console."""

from .env import DEBUG, VAR_DIR, env

DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="NExTWORK <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

if env.str("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email.get("EMAIL_HOST", "")
    EMAIL_PORT = _email.get("EMAIL_PORT") or 25
    EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", False))
    EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", False))
elif env.str("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
elif DEBUG:
    # The embedded default: e-mails land in the local mailbox (standin/mailbox.py), shown at
    # /postkasse/ on the dev server.
    EMAIL_BACKEND = "standin.mailbox.MailboxBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

NEXTWORK_MAILBOX_DIR = env.str("NEXTWORK_MAILBOX_DIR", default=str(VAR_DIR / "mailbox"))
# The mailbox's pages exist only while it is the backend, with DEBUG on.
NEXTWORK_LOCAL_MAILBOX = DEBUG and EMAIL_BACKEND == "standin.mailbox.MailboxBackend"

# Where e-mails link to: the portal's address as its users reach it (no trailing slash).
NEXTWORK_PORTAL_URL = env.str("NEXTWORK_PORTAL_URL", default="http://127.0.0.1:8000").rstrip("/")
