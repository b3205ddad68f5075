"""Research studies (``domain/models/outcomes.py``). A superuser adds a study by name; its key
is made at once and never shown, and rotating it is an action (audited by the service)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from domain.models import FollowUp, Study
from domain.services.research import study_rotate_key

from .base import BaseAdmin, service_action


@admin.register(Study)
class StudyAdmin(BaseAdmin):
    created_by_services = False  # reference data: a name; the key is made by the model
    fields = ("name", "created_at", "key_rotated_at")
    readonly_fields = ("created_at", "key_rotated_at")
    list_display = ("name", "created_at", "key_rotated_at")
    search_fields = ("name",)
    actions = (
        service_action(
            study_rotate_key,
            arg="study",
            description=_("Rotate the pseudonym key (breaks the link with earlier exports)"),
        ),
    )


@admin.register(FollowUp)
class FollowUpAdmin(BaseAdmin):
    """The questions asked after leaving: created when the youth accepts, answered through the
    bot; shown, never changed by hand."""

    view_only = True
    fields = ("youth", "months", "due_at", "answer", "answered_at")
    list_display = ("youth", "months", "due_at", "answer", "answered_at")
    list_select_related = ("youth",)
    list_filter = ("months", "answer")
    search_fields = ("youth__first_name",)
