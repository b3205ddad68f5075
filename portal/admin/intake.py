"""Randomised intake (``domain/models/intake.py``): referrals and draws are shown, never added,
changed or deleted by hand. A draw is final; the arms come from the seed alone."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from domain.models import Draw, Referral

from .base import BaseAdmin, ReadOnlyInline


class ReferralInline(ReadOnlyInline):
    model = Referral
    fields = ("age_band", "arm", "youth", "erased_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("youth", "draw")


@admin.register(Draw)
class DrawAdmin(BaseAdmin):
    view_only = True
    fields = ("municipality", "seed", "ratio_nextwork", "ratio_usual", "drawn_by", "drawn_at")
    list_display = ("pk", "municipality", "ratio_nextwork", "ratio_usual", "drawn_by", "drawn_at")
    list_select_related = ("municipality", "drawn_by")
    list_filter = ("municipality",)
    inlines = (ReferralInline,)


@admin.register(Referral)
class ReferralAdmin(BaseAdmin):
    view_only = True
    fields = (
        "municipality",
        "reference",
        "birth_year",
        "age_band",
        "referral_date",
        "created_by",
        "created_at",
        "draw",
        "arm",
        "youth",
        "erased_at",
    )
    list_display = ("reference", "municipality", "age_band", "referral_date", "arm", "draw")
    list_select_related = ("municipality", "draw")
    list_filter = ("municipality", "arm", "age_band")
    search_fields = ("reference",)
