"""End to end: My meetings lists group and intro meetings in date order, each with "I can't
come"; for an intro meeting it tells the company and the consultant, and the reminder carries
the same button."""

from datetime import timedelta

import pytest
from django.utils import timezone

from domain.models import Attendance, Interest
from domain.services.interests import interest_accept, interest_show
from tests import factories as f
from tests.bot.conftest import labels

pytestmark = pytest.mark.django_db(transaction=True)


def test_my_meetings_in_date_order_each_with_i_cant_come(
    linked_chat, company, company_member, municipality
):
    chat, youth = linked_chat()
    group = f.GroupFactory(municipality=municipality, name="Torsdagsgruppen")
    youth.group = group
    youth.save(update_fields=["group"])
    now = timezone.now()
    soon = f.MeetingFactory(group=group, starts_at=now + timedelta(days=1), place="Ungehuset")
    f.MeetingFactory(group=group, starts_at=now + timedelta(days=40), place="Biblioteket")
    interest = interest_show(youth=youth, slot=f.SlotFactory(company=company), actor=youth)
    interest_accept(
        interest=interest,
        actor=company_member.user,
        intro_meeting_at=now + timedelta(days=3),
        intro_meeting_place="Algade 1",
    )
    chat.wait()  # "Good news": the acceptance, pushed

    (screen,) = chat.tap("📅 Mine møder")
    lines = screen.text.splitlines()[1:]
    assert [line.split(" ")[0] for line in lines] == ["👥", "🤝", "👥"]
    assert "Ungehuset" in lines[0] and "Bageriet ApS" in lines[1] and "Biblioteket" in lines[2]
    cant_come = [label for label in labels(screen) if label.startswith("Jeg kan ikke komme")]
    assert len(cant_come) == 3

    (answer,) = chat.tap(cant_come[1])
    assert "Bageriet ApS og din konsulent" in answer.text
    interest.refresh_from_db()
    assert interest.intro_cant_come_at is not None
    assert interest.status == Interest.Status.ACCEPTED

    (screen,) = chat.tap("⬅️ Tilbage")
    assert "(du har meldt afbud)" in screen.text.splitlines()[2]
    assert len([label for label in labels(screen) if label.startswith("Jeg kan ikke")]) == 2
    (answer,) = chat.tap(cant_come[0])
    assert "gruppens leder og din konsulent" in answer.text
    assert Attendance.objects.get(meeting=soon, youth=youth).status == Attendance.Status.EXCUSED
