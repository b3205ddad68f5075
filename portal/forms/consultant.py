"""Forms of the consultants' pages. They parse input only: every rule is checked by the service
the view calls, and its ``DomainError`` lands at the field it names."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain import display
from domain.models import (
    Company,
    Consultant,
    Destination,
    GroupSchedule,
    Municipality,
    NetworkGroup,
    PlacementOutcome,
    Sector,
    Study,
    Youth,
)
from domain.models.youth import Language
from portal.forms.widgets import QuickSelect


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _municipality_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("name")
    )


class MunicipalityChoiceMixin:
    """Admins belong to no municipality: they pick one where something new is created."""

    def add_municipality(self, municipality: Municipality | None) -> None:
        if municipality is None:
            self.fields = {"municipality": _municipality_field(), **self.fields}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Written kindly: the person it concerns will read it."),
    )


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the young people who are told."),
    )


class YouthForm(MunicipalityChoiceMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    birth_date = forms.DateField(
        label=_("Birth date"), widget=DateInput(), help_text=_("Never a CPR number.")
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors of interest"),
        queryset=Sector.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_hours = forms.IntegerField(
        label=_("Preferred hours per week"), required=False, min_value=1, max_value=37
    )
    contact_consultant = forms.ModelChoiceField(
        label=_("Contact consultant"), queryset=Consultant.objects.none(), required=False
    )
    group = forms.ModelChoiceField(
        label=_("Network group"), queryset=NetworkGroup.objects.none(), required=False
    )

    def __init__(self, *args, municipality: Municipality | None, editing: bool = False, **kw):
        super().__init__(*args, **kw)
        consultants = Consultant.objects.select_related("user", "municipality")
        groups = NetworkGroup.objects.filter(is_active=True).select_related("municipality")
        if municipality is not None:
            consultants = consultants.filter(municipality=municipality)
            groups = groups.filter(municipality=municipality)
        self.fields["contact_consultant"].queryset = consultants.order_by("user__first_name")
        self.fields["group"].queryset = groups.order_by("name")
        if editing:
            # Membership of a group is changed on the group's page (it warns about its size).
            del self.fields["group"]
        else:
            self.add_municipality(municipality)


class NoteForm(forms.Form):
    placement = forms.TypedChoiceField(label=_("Placement"), coerce=int)
    text = forms.CharField(label=_("Note"), max_length=5000, widget=forms.Textarea({"rows": 4}))
    met_workplace_contact = forms.BooleanField(
        label=_("I met the workplace contact"), required=False
    )

    def __init__(self, *args, placements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].choices = [
            (p.pk, f"{p.slot.title} · {p.slot.company.name} ({p.get_status_display()})")
            for p in placements
        ]


class GroupForm(MunicipalityChoiceMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Facilitators"),
        queryset=Consultant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, municipality: Municipality | None, editing: bool = False, **kw):
        super().__init__(*args, **kw)
        consultants = Consultant.objects.select_related("user", "municipality")
        if municipality is not None:
            consultants = consultants.filter(municipality=municipality)
        self.fields["facilitators"].queryset = consultants.order_by("user__first_name")
        if not editing:
            self.add_municipality(municipality)


class YouthChoiceField(forms.ModelChoiceField):
    """Young people named as staff lists name them ("Asta Holm, 22 år"), not "Asta #1"."""

    def label_from_instance(self, obj: Youth) -> str:
        return display.youth_label(obj, today=timezone.localdate())


class MemberAddForm(forms.Form):
    youth = YouthChoiceField(label=_("Young person"), queryset=Youth.objects.none())

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["youth"].queryset = candidates


class CompanySignupForm(forms.Form):
    """A consultant signs a company of the network up for an event. The number of people and
    the slots are checked by ``company_signup`` (its errors land at these fields)."""

    company = forms.ModelChoiceField(label=_("Company"), queryset=Company.objects.none())
    attendees = forms.IntegerField(
        label=_("How many people from the company come?"),
        initial=1,
        help_text=_("Between 1 and 20."),
    )
    slot_ids = forms.TypedMultipleChoiceField(
        label=_("Which slots do they bring?"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only the chosen company's open slots."),
    )

    def __init__(self, *args, companies, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies
        self.fields["slot_ids"].choices = [
            (slot.pk, f"{slot.company.name}: {slot.title}") for slot in slots
        ]


class EraseConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand: the young person's data is gone for good and cannot be restored."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )


class LeaveForm(forms.Form):
    destination = forms.ChoiceField(
        label=_("Where did they go?"),
        choices=[("", "—"), *Destination.choices],
        help_text=_("What the programme is measured by: choose “unknown” rather than guess."),
    )
    destination_date = forms.DateField(
        label=_("Since"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for today."),
    )


class PlacementOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Did it lead to a job offer or paid hours at the company?"),
        choices=[("", "—"), *PlacementOutcome.choices],
    )


class ScheduleForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Weekday"), choices=GroupSchedule.Weekday.choices, coerce=int
    )
    start_time = forms.TimeField(label=_("Time"), widget=TimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), initial=120, min_value=15, max_value=480
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    starts_on = forms.DateField(label=_("First week"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last week"), widget=DateInput(), required=False)


class MeetingMoveForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("New start"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("New end"), widget=DateTimeInput(), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)


class EventForm(MunicipalityChoiceMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    description = forms.CharField(
        label=_("Description"), max_length=4000, required=False, widget=forms.Textarea
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput())
    signup_deadline = forms.DateTimeField(label=_("Sign-up deadline"), widget=DateTimeInput())
    youth_capacity = forms.IntegerField(label=_("Seats for young people"), min_value=1)
    company_capacity = forms.IntegerField(label=_("Seats for companies"), min_value=1)

    def __init__(self, *args, municipality: Municipality | None, editing: bool = False, **kw):
        super().__init__(*args, **kw)
        if not editing:
            self.add_municipality(municipality)


class StatisticsFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    group = forms.ModelChoiceField(
        label=_("Network group"),
        queryset=NetworkGroup.objects.none(),
        required=False,
        widget=QuickSelect,
    )

    def __init__(self, *args, municipality: Municipality | None, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        if municipality is None:
            self.fields = {"municipality": _municipality_field(), **self.fields}

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data


class ResearchExportForm(forms.Form):
    study = forms.ModelChoiceField(
        label=_("Research study"),
        queryset=Study.objects.order_by("name"),
        help_text=_("Its own key makes the pseudonyms: the same in every export of the study."),
    )
    municipality = _municipality_field()


class MessageForm(forms.Form):
    """A consultant's message to a youth, delivered by the bot."""

    text = forms.CharField(label=_("Message"), max_length=2000, widget=forms.Textarea({"rows": 3}))


class ReferralForm(MunicipalityChoiceMixin, forms.Form):
    """A referred young person, with the minimum: the service checks the rest."""

    reference = forms.CharField(
        label=_("Case reference"),
        max_length=40,
        help_text=_("The municipality's own case number. Never a name or a CPR number."),
    )
    birth_year = forms.IntegerField(label=_("Birth year"), min_value=1900, max_value=2100)
    referral_date = forms.DateField(label=_("Referral date"), widget=DateInput())

    def __init__(self, *args, municipality: Municipality | None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipality is None:
            self.fields = {
                "municipality": forms.ModelChoiceField(
                    label=_("Municipality"),
                    queryset=Municipality.objects.filter(intake_randomised=True).order_by("name"),
                ),
                **self.fields,
            }


class DrawConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand: the draw is final, and young people drawn to usual service can "
            "never be invited."
        ),
        error_messages={"required": _("Tick the box to confirm the draw.")},
    )
