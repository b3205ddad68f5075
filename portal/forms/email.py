"""The e-mail preferences form (a language, a digest hour, a choice per kind of e-mail) and the
password reset form that queues its e-mail in the outbox."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from domain.models import EmailPreferences, OutboxMessage
from domain.services.mail import email_password_reset

HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]


def mode_field_name(kind: str) -> str:
    return f"mode_{kind}"


class EmailPreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the e-mails"), choices=settings.LANGUAGES)
    digest_hour = forms.TypedChoiceField(
        label=_("Daily summary at"),
        choices=HOURS,
        coerce=int,
        help_text=_("E-mails you put in the daily summary come together once a day, at this hour."),
    )

    def __init__(self, *args, kinds: tuple[str, ...], prefs: EmailPreferences, **kwargs) -> None:
        initial = {"language": prefs.language, "digest_hour": prefs.digest_hour}
        initial.update({mode_field_name(k): prefs.mode_for(k) for k in kinds})
        super().__init__(*args, initial=initial, **kwargs)
        self.kinds = kinds
        labels = dict(OutboxMessage.Kind.choices)
        for kind in kinds:
            self.fields[mode_field_name(kind)] = forms.ChoiceField(
                label=str(labels[kind]).capitalize(),
                choices=EmailPreferences.Mode.choices,
                widget=forms.RadioSelect,
            )

    def mode_fields(self):
        return [self[mode_field_name(kind)] for kind in self.kinds]

    def modes(self) -> dict[str, str]:
        return {kind: self.cleaned_data[mode_field_name(kind)] for kind in self.kinds}


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the e-mail goes through the outbox: the request makes no SMTP
    call, so its answer (the same page either way) takes no longer for an address that exists
    than for one that does not."""

    def save(self, **kwargs) -> None:
        email_password_reset(email=self.cleaned_data["email"])
