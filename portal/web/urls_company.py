"""The companies' pages, at the root of the portal."""

from django.urls import path

from portal.web.views import company_dashboard, company_register, company_slots

urlpatterns = [
    path("virksomhed/", company_dashboard.dashboard, name="company_dashboard"),
    path("virksomhed/tilmeld/", company_register.register, name="company_register"),
    path(
        "virksomhed/netvaerk/",
        company_register.membership_request_view,
        name="company_membership_request",
    ),
    path("virksomhed/pladser/ny/", company_slots.slot_create, name="company_slot_create"),
    path(
        "virksomhed/pladser/<int:slot_id>/", company_slots.slot_detail, name="company_slot_detail"
    ),
    path(
        "virksomhed/pladser/<int:slot_id>/ret/",
        company_slots.slot_update,
        name="company_slot_update",
    ),
    path(
        "virksomhed/pladser/<int:slot_id>/<slug:action>/",
        company_slots.slot_transition,
        name="company_slot_transition",
    ),
]
