"""The calendar feed read by independent parsers: Mozilla's ical.js (the engine of Thunderbird),
vobject (which goes by the feed's VTIMEZONE, as Outlook and Apple Calendar do) and icalendar
(which goes by the zone's name, as Google Calendar does). Each must put every entry at the UTC
instant stored in the database: winter, summer, and on both sides of both daylight-saving
changes."""

import json
import re
import subprocess
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import time_machine
import vobject
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from domain.models import CalendarFeed, CompanySignup
from portal.ical import vtimezone
from tests import factories as f
from tests.npm_tools import node, npm_package

# Europe/Copenhagen in 2027: summer time from Sunday 28 March 01:00 UTC to Sunday 31 October
# 01:00 UTC. Each instant is given in UTC, as the database holds it.
INSTANTS = {
    "winter": datetime(2027, 1, 14, 12, 0, tzinfo=UTC),  # 13:00 in Copenhagen
    "summer": datetime(2027, 6, 17, 11, 0, tzinfo=UTC),  # 13:00 in Copenhagen
    "before spring change": datetime(2027, 3, 28, 0, 30, tzinfo=UTC),  # 01:30 CET
    "after spring change": datetime(2027, 3, 28, 1, 30, tzinfo=UTC),  # 03:30 CEST
    "before autumn change": datetime(2027, 10, 30, 23, 30, tzinfo=UTC),  # 01:30 CEST
    "after autumn change": datetime(2027, 10, 31, 1, 30, tzinfo=UTC),  # 02:30 CET
    "next winter": datetime(2028, 2, 1, 8, 0, tzinfo=UTC),
}

ICAL_JS_TIMES = """
import ICAL from %(module)s;
import { readFileSync } from "node:fs";
const root = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
// As Thunderbird does: the feed's own VTIMEZONE blocks define its zones.
for (const zone of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(zone);
const times = {};
for (const vevent of root.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  times[event.summary] = [event.startDate.toJSDate().toISOString(),
                          event.endDate.toJSDate().toISOString()];
}
process.stdout.write(JSON.stringify(times));
"""


@pytest.fixture
def feed(client_for, company_member, company, municipality):
    """The company's feed body, holding one signed-up match event per instant."""
    with time_machine.travel(datetime(2027, 1, 5, 9, 0, tzinfo=UTC), tick=False):
        for label, at in INSTANTS.items():
            event = f.EventFactory(
                municipality=municipality,
                title=label,
                starts_at=at,
                ends_at=at + timedelta(hours=2),
            )
            CompanySignup.objects.create(event=event, company=company, created_at=timezone.now())
        client = client_for(company_member)
        client.post(reverse("calendar_regenerate"))
        html = client.get(reverse("calendar")).text
        url = re.search(r'value="http://testserver(/kalender/[^"]+\.ics)"', html).group(1)
        response = Client().get(url)
    assert response.status_code == 200
    return response.content


def _by_title(times: dict) -> dict:
    return {re.sub(r"^.*: ", "", summary): value for summary, value in times.items()}


def _expected() -> dict:
    return {label: (at, at + timedelta(hours=2)) for label, at in INSTANTS.items()}


def test_vtimezone_is_in_yearly_rule_form(feed):
    text = feed.decode()
    zone = re.search(r"BEGIN:VTIMEZONE.*?END:VTIMEZONE", text, re.S).group(0)
    assert "RDATE" not in zone
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in zone
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in zone
    assert "DTSTART;TZID=Europe/Copenhagen:20270617T130000" in text  # local time stays visible


def test_ical_js_puts_every_entry_at_its_stored_instant(feed):
    module = npm_package("ical.js") / "dist" / "ical.js"
    result = subprocess.run(  # noqa: S603 - our own script
        [node(), "--input-type=module", "-e", ICAL_JS_TIMES % {"module": json.dumps(str(module))}],
        input=feed,
        capture_output=True,
        check=True,
        timeout=60,
    )
    times = _by_title(json.loads(result.stdout))
    parsed = {
        label: tuple(datetime.fromisoformat(value.replace("Z", "+00:00")) for value in pair)
        for label, pair in times.items()
    }
    assert parsed == _expected()


def test_vobject_puts_every_entry_at_its_stored_instant(feed):
    calendar = vobject.readOne(feed.decode())
    times = {
        str(event.summary.value): (
            event.dtstart.value.astimezone(UTC),
            event.dtend.value.astimezone(UTC),
        )
        for event in calendar.vevent_list
    }
    assert _by_title(times) == _expected()


def test_icalendar_puts_every_entry_at_its_stored_instant(feed):
    times = {
        str(event["summary"]): (
            event.decoded("dtstart").astimezone(UTC),
            event.decoded("dtend").astimezone(UTC),
        )
        for event in icalendar.Calendar.from_ical(feed).walk("VEVENT")
    }
    assert _by_title(times) == _expected()


def test_feed_speaks_its_owners_language_whatever_the_app_asks_for(client_for, company_member):
    client = client_for(company_member)
    client.post(reverse("calendar_regenerate"), headers={"accept-language": "en"})
    assert CalendarFeed.objects.get().language == "en"
    html = client.get(reverse("calendar"), headers={"accept-language": "en"}).text
    url = re.search(r'value="http://testserver(/kalender/[^"]+\.ics)"', html).group(1)
    for asked in ("da", "de", "en"):
        response = Client().get(url, headers={"accept-language": asked})
        assert response["Content-Language"] == "en"
        assert b"X-WR-CALNAME:NExTWORK calendar" in response.content
        assert b"PRODID:-//NExTWORK//Portal//EN" in response.content


def test_a_danish_owners_feed_is_danish_for_an_english_app(client_for, company_member):
    client = client_for(company_member)
    client.post(reverse("calendar_regenerate"), headers={"accept-language": "da"})
    html = client.get(reverse("calendar")).text
    url = re.search(r'value="http://testserver(/kalender/[^"]+\.ics)"', html).group(1)
    response = Client().get(url, headers={"accept-language": "en-US,en;q=0.9"})
    with translation.override("da"):
        name = translation.gettext("NExTWORK calendar")
    assert name != "NExTWORK calendar"
    assert f"X-WR-CALNAME:{name}".encode() in response.content
    assert b"PRODID:-//NExTWORK//Portal//DA" in response.content


@pytest.mark.parametrize(
    ("zone", "rules"),
    [("Europe/Copenhagen", 2), ("America/New_York", 2), ("Australia/Sydney", 2), ("UTC", 0)],
)
def test_zones_with_yearly_rules_are_described_by_them(zone, rules):
    component = vtimezone(zone, years=range(2026, 2030))
    onsets = component.walk("STANDARD") + component.walk("DAYLIGHT")
    assert len([onset for onset in onsets if "RRULE" in onset]) == rules
    assert not any("RDATE" in onset for onset in onsets)


def test_a_zone_without_a_yearly_rule_gets_utc_times():
    # Morocco leaves summer time for Ramadan: its dates follow the moon, not a weekday rule.
    assert vtimezone("Africa/Casablanca", years=range(2026, 2028)) is None
