"""Forms of the company pages. They only parse input (types, required fields, choices from the
reference lists); every rule is checked by the service the view calls, and its DomainError is
shown at the field it names (portal.errors)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from domain.models import Municipality, Sector, Slot


class PortalForm(forms.Form):
    """No colon after labels: the form include adds its own "(required)" marker."""

    label_suffix = ""


def sector_choices() -> list[tuple[str, str]]:
    return [("", _("Choose a sector"))] + [(s.code, s.name) for s in Sector.objects.all()]


def municipality_choices(municipalities=None) -> list[tuple[str, str]]:
    """A choice per municipality (every one unless ``municipalities`` says which)."""
    if municipalities is None:
        municipalities = Municipality.objects.order_by("name")
    return [("", _("Choose a municipality"))] + [(m.slug, m.name) for m in municipalities]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


# --- registration and colleagues ------------------------------------------------------------------


class CompanyRegisterForm(PortalForm):
    name = forms.CharField(label=_("Company name"), max_length=200)
    cvr = forms.CharField(
        label=_("CVR number"),
        max_length=20,
        help_text=_("8 digits, as in the CVR register."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=200,
        # One line: "street-address" is for a multi-line textarea (the HTML standard's autofill).
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    city = forms.CharField(
        label=_("City"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    sector = forms.ChoiceField(label=_("Sector"))
    municipality = forms.ChoiceField(
        label=_("Municipality"),
        help_text=_(
            "The municipality whose network you want to join. A consultant there accepts you."
        ),
    )
    username = forms.CharField(
        label=_("Your username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    email = forms.CharField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Choose a password"),
        help_text=_("At least 8 characters, not only digits, and not too close to your username."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("The password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = sector_choices()
        self.fields["municipality"].choices = municipality_choices()

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") not in (None, data["password"]):
            self.add_error("password_again", _("The two passwords are not the same."))
        return data


class CompanyProfileForm(PortalForm):
    """The company's details; the CVR number is its identity and only an admin changes it."""

    name = CompanyRegisterForm.base_fields["name"]
    address = CompanyRegisterForm.base_fields["address"]
    postcode = CompanyRegisterForm.base_fields["postcode"]
    city = CompanyRegisterForm.base_fields["city"]
    sector = forms.ChoiceField(label=_("Sector"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = sector_choices()


class MembershipRequestForm(PortalForm):
    municipality = forms.ChoiceField(label=_("Municipality"))

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = municipality_choices(municipalities)


class MemberInviteForm(PortalForm):
    email = forms.CharField(
        label=_("Your colleague's e-mail address"),
        max_length=254,
        help_text=_(
            "It becomes their username. They get an e-mail with a link to choose a password."
        ),
        widget=forms.EmailInput(),
    )
    is_company_admin = forms.BooleanField(label=_("May invite colleagues too"), required=False)


# --- slots ----------------------------------------------------------------------------------------


class SlotForm(PortalForm):
    title = forms.CharField(
        label=_("Title"), max_length=120, help_text=_("For example “Shop assistant in the bakery”.")
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What will the young person do, and who will they work with? Plain words work best."
        ),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Slot.Kind.choices, widget=forms.RadioSelect)
    sector = forms.ChoiceField(label=_("Sector"))
    address = forms.CharField(label=_("Address"), max_length=200)
    postcode = forms.CharField(
        label=_("Postcode"), max_length=10, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    hours_min = forms.IntegerField(label=_("Hours per week, at least"), min_value=0)
    hours_max = forms.IntegerField(
        label=_("Hours per week, at most"),
        min_value=0,
        help_text=_("The young person chooses their hours within this range."),
    )
    earliest_start = forms.DateField(label=_("Earliest start"), widget=DateInput())
    end_date = forms.DateField(label=_("End (if any)"), required=False, widget=DateInput())
    seats = forms.IntegerField(
        label=_("Seats"),
        min_value=0,
        initial=1,
        help_text=_("How many young people can be here at once."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = sector_choices()


# --- the inbox ------------------------------------------------------------------------------------


class InterestAcceptForm(PortalForm):
    intro_meeting_at = forms.DateTimeField(
        label=_("Intro meeting: date and time"),
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    intro_meeting_place = forms.CharField(
        label=_("Place"),
        max_length=200,
        help_text=_("The address, and where to ask for you when they arrive."),
    )


class IntroMoveForm(InterestAcceptForm):
    """Moving an agreed intro meeting: a new time, and a new place only if it changes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intro_meeting_at"].label = _("New date and time")
        self.fields["intro_meeting_place"].required = False
        self.fields["intro_meeting_place"].help_text = _("Leave it empty to keep the place.")
        self.auto_id = "id_move_%s"


DECLINE_REASONS = {
    "filled": _(
        "Thank you for your interest! The place has been filled, so we cannot offer it right now."
    ),
    "hours": _(
        "Thank you for your interest! Right now the hours do not fit with what we can offer."
    ),
    "later": _(
        "Thank you for your interest! We cannot take anyone new just now – "
        "you are welcome to try again later."
    ),
}


class InterestDeclineForm(PortalForm):
    choice = forms.ChoiceField(
        label=_("What would you like to tell the young person?"),
        widget=forms.RadioSelect,
        choices=[*DECLINE_REASONS.items(), ("own", _("I will write it in my own words"))],
        initial="filled",
    )
    reason = forms.CharField(
        label=_("Your own words"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kind and short; the young person reads it in the chat bot."),
    )

    def reason_text(self) -> str:
        choice = self.cleaned_data["choice"]
        if choice == "own":
            return self.cleaned_data["reason"]
        return str(DECLINE_REASONS[choice])

    def clean(self):
        data = super().clean()
        if data.get("choice") == "own" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Write a few kind words, or choose one of the texts above."))
        return data


# --- match events ---------------------------------------------------------------------------------


class EventSignupForm(PortalForm):
    attendees = forms.IntegerField(label=_("How many of you come?"), min_value=0, initial=1)
    slot_ids = forms.TypedMultipleChoiceField(
        label=_("Which slots do you bring?"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only open slots can be brought to an event."),
    )

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot_ids"].choices = [(slot.pk, slot.title) for slot in slots]


# --- statistics -----------------------------------------------------------------------------------


class StatisticsPeriodForm(PortalForm):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data
