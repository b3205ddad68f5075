"""The conversation with young people: the consultant's inbox, writing to a youth from their
page, and the youth's timeline as a live fragment. Companies never reach these pages."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from domain.selectors.conversation import conversations_for_user
from domain.selectors.timeline import youth_timeline
from domain.services.conversation import message_to_youth
from portal.errors import attempt, get_or_404
from portal.forms.consultant import MessageForm
from portal.held import tell_when_held
from portal.views.consultant_common import consultant_page
from portal.views.consultant_youth import render_detail


def _inbox_context(request: HttpRequest) -> dict:
    everyone = request.GET.get("alle") == "1"
    return {
        "conversations": conversations_for_user(user=request.user, mine_only=not everyone),
        "everyone": everyone,
    }


@consultant_page
def inbox(request: HttpRequest) -> HttpResponse:
    """The latest message of each conversation, newest first: by default the youth whose
    contact consultant you are and those who have none; ``?alle=1`` the whole municipality."""
    return render(request, "portal/consultant/messages.html", _inbox_context(request))


@consultant_page
def inbox_fragment(request: HttpRequest) -> HttpResponse:
    """The inbox's list alone, for the live reload."""
    return render(
        request, "portal/consultant/fragments/messages_list.html", _inbox_context(request)
    )


@require_POST
@consultant_page
def youth_message(request: HttpRequest, youth_id: int) -> HttpResponse:
    """Write to the youth; the bot delivers it (held until morning in quiet hours)."""
    timeline = get_or_404(youth_timeline, user=request.user, youth_id=youth_id)
    youth = timeline.youth
    form = MessageForm(request.POST)
    if form.is_valid():
        message = attempt(
            request,
            lambda: message_to_youth(
                youth=youth, actor=request.user, text=form.cleaned_data["text"]
            ),
            form=form,
        )
        if message is not None:
            due_at = message.delivery.due_at if message.delivery else None
            if not tell_when_held(request, youth=youth, due_at=due_at):
                messages.success(
                    request,
                    _("The message is on its way to %(name)s.") % {"name": youth.first_name},
                )
            return redirect("consultant:youth_detail", youth_id=youth.pk)
    return render_detail(request, timeline, message_form=form, status=400)


@consultant_page
def youth_timeline_fragment(request: HttpRequest, youth_id: int) -> HttpResponse:
    """The youth's timeline alone, for the live reload."""
    timeline = get_or_404(youth_timeline, user=request.user, youth_id=youth_id)
    return render(
        request,
        "portal/consultant/fragments/timeline.html",
        {"timeline": timeline, "now": timezone.now()},
    )
