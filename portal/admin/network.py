"""Municipalities, sectors, companies and the people who log in (``domain/models/network.py``)."""

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from domain.models import (
    Company,
    CompanyMember,
    Consultant,
    Municipality,
    NetworkMembership,
    Sector,
)
from domain.services.intake import intake_configure
from domain.services.network import membership_accept
from domain.services.reminders import reminders_sync_municipality
from domain.validators import validate_answer_days

from .base import BaseAdmin, ReadOnlyInline, service_action

# The randomised intake's switch and ratio: changed through ``intake_configure`` (audited).
INTAKE_FIELDS = ("intake_randomised", "intake_ratio_nextwork", "intake_ratio_usual")
# A municipality's fields that decide when its reminders fall.
REMINDER_FIELDS = {"reminder_settings", "quiet_hours_start", "quiet_hours_end", "timezone"}


class MunicipalityForm(forms.ModelForm):
    class Meta:
        model = Municipality
        # The admin builds the form from its own field list; these are the editable ones.
        fields = (
            "name",
            "slug",
            "timezone",
            "reminder_settings",
            "quiet_hours_start",
            "quiet_hours_end",
            "privacy_text",
            "answer_reminder_days",
            "answer_alert_days",
            "answer_close_days",
            "intake_randomised",
            "intake_ratio_nextwork",
            "intake_ratio_usual",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out, a share keeps its value (forms written before the intake existed still save).
        for name in ("intake_ratio_nextwork", "intake_ratio_usual"):
            self.fields[name].required = False

    def clean(self) -> dict:
        data = super().clean()
        for name in ("intake_ratio_nextwork", "intake_ratio_usual"):
            if data.get(name) is None and name not in self.errors:
                data[name] = getattr(self.instance, name) or 1
        days = [data.get(f"answer_{step}_days") for step in ("reminder", "alert", "close")]
        if None not in days:
            try:
                validate_answer_days(reminder=days[0], alert=days[1], close=days[2])
            except forms.ValidationError as error:
                self.add_error("answer_alert_days", error)
        return data


@admin.register(Municipality)
class MunicipalityAdmin(BaseAdmin):
    form = MunicipalityForm
    created_by_services = False  # reference data
    list_display = (
        "name",
        "slug",
        "timezone",
        "intake_randomised",
        "quiet_hours_start",
        "quiet_hours_end",
        "created_at",
    )
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at",)

    def save_model(self, request: HttpRequest, obj: Municipality, form, change: bool) -> None:
        intake_changed = change and set(form.changed_data) & set(INTAKE_FIELDS)
        if intake_changed:
            # The form's other fields are saved here; the intake's through its service.
            for name in INTAKE_FIELDS:
                setattr(obj, name, form.initial[name])
        super().save_model(request, obj, form, change)
        if intake_changed:
            intake_configure(
                municipality=obj,
                actor=request.user,
                randomised=form.cleaned_data["intake_randomised"],
                ratio_nextwork=form.cleaned_data["intake_ratio_nextwork"],
                ratio_usual=form.cleaned_data["intake_ratio_usual"],
            )
        # Reminders already waiting keep the times they were given: re-derive them under the
        # new lead times, quiet hours or time zone.
        if change and set(form.changed_data) & REMINDER_FIELDS:
            reminders_sync_municipality(obj)


@admin.register(Sector)
class SectorAdmin(BaseAdmin):
    created_by_services = False  # reference data
    list_display = ("code", "name_da", "name_en", "ordering")
    search_fields = ("code", "name_da", "name_en")
    ordering = ("ordering", "code")


class NetworkMembershipInline(ReadOnlyInline):
    model = NetworkMembership
    fields = ("municipality", "status", "reason", "requested_at", "decided_at", "decided_by")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("company", "municipality")


class CompanyMemberInline(ReadOnlyInline):
    model = CompanyMember
    fields = ("user", "is_company_admin", "created_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("user", "company")


@admin.register(Company)
class CompanyAdmin(BaseAdmin):
    list_display = ("name", "cvr", "postcode", "city", "sector", "created_at")
    list_select_related = ("sector",)
    list_filter = ("sector", "municipalities")
    search_fields = ("name", "cvr", "city", "postcode")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("sector",)
    inlines = (NetworkMembershipInline, CompanyMemberInline)


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(BaseAdmin):
    view_only = True
    actions = (
        service_action(
            membership_accept, arg="membership", description=_("Accept into the network")
        ),
    )
    list_display = ("company", "municipality", "status", "requested_at", "decided_at")
    list_select_related = ("company", "municipality")
    list_filter = ("status", "municipality")
    search_fields = ("company__name", "company__cvr", "municipality__name")
    date_hierarchy = "requested_at"


@admin.register(CompanyMember)
class CompanyMemberAdmin(BaseAdmin):
    view_only = True  # who may act for a company is a permission: audited services only
    list_display = ("user", "company", "is_company_admin", "created_at")
    list_select_related = ("user", "company")
    list_filter = ("is_company_admin",)
    search_fields = ("user__username", "user__email", "user__first_name", "company__name")


@admin.register(Consultant)
class ConsultantAdmin(BaseAdmin):
    lifecycle_fields = ("user", "municipality")  # consultant_create / consultant_move
    list_display = ("__str__", "user", "municipality", "phone", "created_at")
    list_select_related = ("user", "municipality")
    list_filter = ("municipality",)
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name")
    readonly_fields = ("created_at",)
