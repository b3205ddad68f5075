"""What an e-mail from the outbox says: the portal's words and links for each kind of row, in the
recipient's language, as plain text and HTML. The e-mail worker (``worker.email``) calls
``render`` for each envelope it sends (one row, or one user's digest)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import override

from domain.models import OutboxMessage
from domain.services.mail import ACCOUNT_KINDS, Envelope, email_preferences_of

Kind = OutboxMessage.Kind


@dataclass(frozen=True)
class Item:
    """One piece of news: a headline, a sentence or two, and the page that acts on it."""

    title: str
    text: str
    url: str
    action: str


def absolute(path: str) -> str:
    return f"{settings.NEXTWORK_PORTAL_URL}{path}"


def _page(name: str, *args: object) -> str:
    return absolute(reverse(name, args=args))


def _interest_received(p: dict) -> Item:
    return Item(
        _("A young person is interested in “%(slot)s”") % {"slot": p.get("slot", "")},
        _(
            "A young person has shown interest in your placement “%(slot)s”. Answer them: "
            "propose an intro meeting or say no thanks, so nobody waits in vain."
        )
        % {"slot": p.get("slot", "")},
        _page("company_interest_detail", p.get("interest_id", 0)),
        _("Answer the young person"),
    )


def _interest_unanswered(p: dict) -> Item:
    return Item(
        _("A young person is waiting for your answer about “%(slot)s”") % {"slot": p.get("slot")},
        _(
            "A young person showed interest in “%(slot)s” %(days)s working days ago and has not "
            "heard from you yet. A short answer, yes or no, means a lot."
        )
        % {"slot": p.get("slot", ""), "days": p.get("days", "")},
        _page("company_interest_detail", p.get("interest_id", 0)),
        _("Answer the young person"),
    )


def _interest_closed(p: dict) -> Item:
    return Item(
        _("An interest in “%(slot)s” closed without an answer") % {"slot": p.get("slot", "")},
        _(
            "A young person's interest in “%(slot)s” waited %(days)s working days without an "
            "answer and has now closed by itself. The young person has been told."
        )
        % {"slot": p.get("slot", ""), "days": p.get("days", "")},
        _page("company_inbox"),
        _("Open your inbox"),
    )


def _interest_overdue(p: dict) -> Item:
    return Item(
        _("%(company)s has not answered a young person") % {"company": p.get("company", "")},
        _(
            "A young person of yours showed interest in “%(slot)s” at %(company)s %(days)s "
            "working days ago, and the company has not answered. The young person has been told "
            "that you know."
        )
        % {"slot": p.get("slot", ""), "company": p.get("company", ""), "days": p.get("days", "")},
        _page("consultant:youth_detail", p.get("youth_id", 0)),
        _("See the young person"),
    )


def _placement_decided(p: dict, approved: bool) -> Item:
    slot = {"slot": p.get("slot", "")}
    if approved:
        title = _("A placement at “%(slot)s” is approved") % slot
        text = _("The consultant has approved a young person's placement at “%(slot)s”.") % slot
    else:
        title = _("A placement at “%(slot)s” was not approved") % slot
        text = (
            _(
                "The consultant did not approve a young person's placement at “%(slot)s”. "
                "The young person has been told."
            )
            % slot
        )
    return Item(title, text, _page("company_placements"), _("See your placements"))


def _event_news(p: dict, cancelled: bool) -> Item:
    values = {"event": p.get("event", ""), "when": p.get("when", "")}
    if cancelled:
        title = _("“%(event)s” is cancelled") % values
        text = _("The match event “%(event)s” on %(when)s is cancelled.") % values
    else:
        title = _("“%(event)s” has changed") % values
        text = _(
            "The match event “%(event)s” you signed up for has changed: it is now on %(when)s"
            " at %(place)s."
        ) % {**values, "place": p.get("place", "")}
    return Item(title, text, _page("company_events"), _("See your match events"))


def _network_answered(p: dict) -> Item:
    values = {"municipality": p.get("municipality", "")}
    if p.get("accepted"):
        title = _("Welcome to %(municipality)s's network") % values
        text = (
            _(
                "%(municipality)s has accepted your company into its network: young people there "
                "now see your open placements."
            )
            % values
        )
    else:
        title = _("%(municipality)s did not accept your network request") % values
        text = (
            _(
                "%(municipality)s did not accept your company into its network this time. You may "
                "ask again."
            )
            % values
        )
    return Item(title, text, _page("company_dashboard"), _("Open the portal"))


def _network_requested(p: dict) -> Item:
    values = {"company": p.get("company", "")}
    return Item(
        _("%(company)s asks to join your network") % values,
        _("%(company)s asks to join your municipality's company network.") % values,
        _page("consultant:memberships"),
        _("Answer the request"),
    )


def _youth_unreachable(p: dict) -> Item:
    return Item(
        _("A young person can no longer be reached on Telegram"),
        _(
            "Telegram refused our messages to one of your young people (they blocked the bot or "
            "deleted their account). Reminders to them have stopped."
        ),
        _page("consultant:youth_detail", p.get("youth_id", 0)),
        _("See the young person"),
    )


def _youth_message(p: dict) -> Item:
    return Item(
        _("A young person has written to you"),
        _(
            "One of your young people wrote to you through the NExTWORK bot. Read the message "
            "and answer it on the portal."
        ),
        _page("consultant:youth_detail", p.get("youth_id", 0)),
        _("Read and answer"),
    )


def _reset_link(row: OutboxMessage) -> str:
    uid = urlsafe_base64_encode(force_bytes(row.user.pk))
    token = default_token_generator.make_token(row.user)
    return _page("password_reset_confirm", uid, token)


def _password_reset(row: OutboxMessage) -> Item:
    return Item(
        _("Choose a new password for NExTWORK"),
        _(
            "Someone (hopefully you) asked to choose a new password for your NExTWORK login "
            "%(username)s. If you did not ask for this, ignore this e-mail; your password stays "
            "as it is."
        )
        % {"username": row.user.get_username()},
        _reset_link(row),
        _("Choose a new password"),
    )


def _colleague_invited(row: OutboxMessage) -> Item:
    p = row.payload
    return Item(
        _("You are invited to %(company)s on NExTWORK") % {"company": p.get("company", "")},
        _(
            "%(inviter)s has invited you to %(company)s on NExTWORK, where local companies offer "
            "young people internships and paid hours. Your username is %(username)s."
        )
        % {
            "inviter": p.get("inviter", ""),
            "company": p.get("company", ""),
            "username": row.user.get_username(),
        },
        _reset_link(row),
        _("Choose your password"),
    )


def item_for(row: OutboxMessage) -> Item:
    p = row.payload
    builders = {
        Kind.INTEREST_RECEIVED: lambda: _interest_received(p),
        Kind.INTEREST_UNANSWERED: lambda: _interest_unanswered(p),
        Kind.INTEREST_CLOSED: lambda: _interest_closed(p),
        Kind.INTEREST_OVERDUE: lambda: _interest_overdue(p),
        Kind.PLACEMENT_APPROVED: lambda: _placement_decided(p, approved=True),
        Kind.PLACEMENT_REJECTED: lambda: _placement_decided(p, approved=False),
        Kind.EVENT_CHANGED: lambda: _event_news(p, cancelled=False),
        Kind.EVENT_CANCELLED: lambda: _event_news(p, cancelled=True),
        Kind.NETWORK_ANSWERED: lambda: _network_answered(p),
        Kind.NETWORK_REQUESTED: lambda: _network_requested(p),
        Kind.YOUTH_UNREACHABLE: lambda: _youth_unreachable(p),
        Kind.YOUTH_MESSAGE: lambda: _youth_message(p),
        Kind.PASSWORD_RESET: lambda: _password_reset(row),
        Kind.COLLEAGUE_INVITED: lambda: _colleague_invited(row),
    }
    build = builders.get(row.kind)
    if build is None:
        raise ValueError(f"no e-mail text for outbox kind {row.kind!r}")
    return build()


def message_id(envelope: Envelope) -> str:
    """The same Message-ID for every attempt at one e-mail, so a mail system that sees it twice
    (after an attempt whose outcome was unknown) can tell it is the same message."""
    digest = hashlib.sha256(",".join(map(str, envelope.ids)).encode()).hexdigest()[:16]
    return f"<outbox.{envelope.ids[0]}.{digest}@nextwork.local>"


def render(envelope: Envelope) -> EmailMultiAlternatives:
    """The e-mail for one envelope, in its recipient's language."""
    user = envelope.user
    prefs = email_preferences_of(user)
    with override(prefs.language):
        items = [item_for(row) for row in envelope.rows]
        if envelope.is_digest:
            subject = _("NExTWORK: your daily summary (%(count)d)") % {"count": len(items)}
        else:
            subject = items[0].title
        notification = envelope.rows[0].kind not in ACCOUNT_KINDS
        preferences = absolute(reverse("email_preferences"))
        context = {
            "subject": subject,
            "items": items,
            "digest": envelope.is_digest,
            "name": user.get_full_name() or user.get_username(),
            "preferences_url": preferences if notification else "",
        }
        text = render_to_string("portal/email/message.txt", context)
        html = render_to_string("portal/email/message.html", context)
    headers = {"Message-ID": message_id(envelope)}
    if notification:
        headers["List-Unsubscribe"] = f"<{preferences}>"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message
