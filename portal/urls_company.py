"""The companies' pages, at the root of the portal."""

from django.urls import path

from portal.views import (
    company_dashboard,
    company_events,
    company_inbox,
    company_members,
    company_placements,
    company_profile,
    company_register,
    company_slots,
    company_statistics,
)

urlpatterns = [
    path("virksomhed/", company_dashboard.dashboard, name="company_dashboard"),
    path("virksomhed/profil/", company_profile.profile, name="company_profile"),
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
        "virksomhed/pladser/<int:slot_id>/luk/",
        company_slots.slot_close_confirm,
        name="company_slot_close_confirm",
    ),
    path(
        "virksomhed/pladser/<int:slot_id>/<slug:action>/",
        company_slots.slot_transition,
        name="company_slot_transition",
    ),
    path("virksomhed/indbakke/", company_inbox.inbox, name="company_inbox"),
    path("virksomhed/indbakke/liste/", company_inbox.inbox_fragment, name="company_inbox_fragment"),
    path(
        "virksomhed/interesser/<int:interest_id>/",
        company_inbox.interest_detail,
        name="company_interest_detail",
    ),
    path(
        "virksomhed/interesser/<int:interest_id>/accepter/",
        company_inbox.interest_accept_view,
        name="company_interest_accept",
    ),
    path(
        "virksomhed/interesser/<int:interest_id>/afslaa/",
        company_inbox.interest_decline_view,
        name="company_interest_decline",
    ),
    path(
        "virksomhed/interesser/<int:interest_id>/flyt/",
        company_inbox.interest_move_view,
        name="company_interest_move",
    ),
    path("virksomhed/events/", company_events.event_list, name="company_events"),
    path(
        "virksomhed/events/<int:event_id>/",
        company_events.event_detail,
        name="company_event_detail",
    ),
    path(
        "virksomhed/events/<int:event_id>/tilmeld/",
        company_events.event_signup,
        name="company_event_signup",
    ),
    path(
        "virksomhed/events/<int:event_id>/afmeld/",
        company_events.event_signup_cancel,
        name="company_event_cancel",
    ),
    path("virksomhed/forloeb/", company_placements.placement_list, name="company_placements"),
    path("virksomhed/kolleger/", company_members.member_list, name="company_members"),
    path("virksomhed/statistik/", company_statistics.statistics, name="company_statistics"),
    path(
        "virksomhed/kolleger/<int:member_id>/fjern/",
        company_members.member_remove,
        name="company_member_remove",
    ),
]
