"""The consultants' pages, under ``/konsulent/`` (owned by the consult engineer).

Names live in the ``consultant`` namespace: ``{% url 'consultant:dashboard' %}``.
"""

from django.urls import path

from portal.views import consultant_approvals as approvals
from portal.views import consultant_dashboard as dashboard
from portal.views import consultant_events as events
from portal.views import consultant_groups as groups
from portal.views import consultant_intake as intake
from portal.views import consultant_messages as talk
from portal.views import consultant_network as network
from portal.views import consultant_research as research
from portal.views import consultant_statistics as statistics
from portal.views import consultant_youth as youth

app_name = "consultant"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("oversigt/<slug:part>/", dashboard.dashboard_part, name="dashboard_part"),
    # approvals
    path("godkendelser/", approvals.approvals, name="approvals"),
    path("godkendelser/<int:placement_id>/", approvals.approval, name="approval"),
    path("godkendelser/<int:placement_id>/godkend/", approvals.approve, name="approve"),
    # youth
    path("unge/", youth.youth_list, name="youth_list"),
    path("unge/ny/", youth.youth_new, name="youth_new"),
    path("unge/<int:youth_id>/", youth.youth_detail, name="youth_detail"),
    path("unge/<int:youth_id>/ret/", youth.youth_edit, name="youth_edit"),
    path("unge/<int:youth_id>/pause/", youth.youth_pause_view, name="youth_pause"),
    path("unge/<int:youth_id>/genoptag/", youth.youth_resume_view, name="youth_resume"),
    path("unge/<int:youth_id>/invitation/", youth.youth_invite, name="youth_invite"),
    path("unge/<int:youth_id>/stoppet/", youth.youth_leave_view, name="youth_leave"),
    path("unge/<int:youth_id>/eksport/", youth.youth_export_view, name="youth_export"),
    path("unge/<int:youth_id>/slet/", youth.youth_erase_view, name="youth_erase"),
    path("unge/<int:youth_id>/note/", youth.youth_note, name="youth_note"),
    path(
        "forloeb/<int:placement_id>/udfald/",
        youth.placement_outcome_view,
        name="placement_outcome",
    ),
    path("unge/<int:youth_id>/besked/", talk.youth_message, name="youth_message"),
    path("unge/<int:youth_id>/tidslinje/", talk.youth_timeline_fragment, name="youth_timeline"),
    # the conversation with young people
    path("beskeder/", talk.inbox, name="messages"),
    path("beskeder/liste/", talk.inbox_fragment, name="messages_list"),
    # groups and meetings
    path("grupper/", groups.group_list, name="groups"),
    path("grupper/<int:group_id>/", groups.group_detail, name="group_detail"),
    path("grupper/<int:group_id>/ret/", groups.group_edit, name="group_edit"),
    path(
        "grupper/<int:group_id>/medlemmer/",
        groups.group_member_add_view,
        name="group_member_add",
    ),
    path(
        "grupper/<int:group_id>/medlemmer/soeg/",
        groups.group_member_search,
        name="group_member_search",
    ),
    path(
        "grupper/<int:group_id>/medlemmer/<int:youth_id>/fjern/",
        groups.group_member_remove_view,
        name="group_member_remove",
    ),
    path("grupper/<int:group_id>/skema/", groups.group_schedule_add, name="group_schedule_add"),
    path("grupper/<int:group_id>/afslut/", groups.group_deactivate_view, name="group_deactivate"),
    path("moeder/<int:meeting_id>/", groups.meeting_detail, name="meeting_detail"),
    path("moeder/<int:meeting_id>/flyt/", groups.meeting_move_view, name="meeting_move"),
    path("moeder/<int:meeting_id>/aflys/", groups.meeting_cancel_view, name="meeting_cancel"),
    # match events
    path("arrangementer/", events.event_list, name="events"),
    path("arrangementer/nyt/", events.event_new, name="event_new"),
    path("arrangementer/<int:event_id>/", events.event_detail, name="event_detail"),
    path("arrangementer/<int:event_id>/ret/", events.event_edit, name="event_edit"),
    path("arrangementer/<int:event_id>/aflys/", events.event_cancel_view, name="event_cancel"),
    path(
        "arrangementer/<int:event_id>/tjek-ind/<int:signup_id>/",
        events.event_check_in,
        name="event_check_in",
    ),
    path("arrangementer/<int:event_id>/tilmeld/", events.event_signup_add, name="event_signup_add"),
    path(
        "arrangementer/<int:event_id>/tilmelding/<int:signup_id>/afmeld/",
        events.event_signup_cancel,
        name="event_signup_cancel",
    ),
    path(
        "arrangementer/<int:event_id>/virksomheder/",
        events.event_company_signup,
        name="event_company_signup",
    ),
    path(
        "arrangementer/<int:event_id>/virksomheder/<int:signup_id>/afmeld/",
        events.event_company_signup_cancel,
        name="event_company_signup_cancel",
    ),
    path("arrangementer/<int:event_id>/tavle/", events.event_board, name="event_board"),
    path(
        "arrangementer/<int:event_id>/tavle/indhold/",
        events.event_board_part,
        name="event_board_part",
    ),
    path("arrangementer/<int:event_id>/<slug:action>/", events.event_action, name="event_action"),
    # the company network
    path("netvaerk/", network.memberships, name="memberships"),
    path(
        "netvaerk/<int:membership_id>/accepter/",
        network.membership_accept_view,
        name="membership_accept",
    ),
    path(
        "netvaerk/<int:membership_id>/afvis/",
        network.membership_reject_view,
        name="membership_reject",
    ),
    # statistics
    path("statistik/", statistics.statistics, name="statistics"),
    path("statistik/csv/", statistics.statistics_csv, name="statistics_csv"),
    path("statistik/xlsx/", statistics.statistics_xlsx, name="statistics_xlsx"),
    path("forskning/", research.research, name="research"),
    # randomised intake
    path("optag/", intake.referrals, name="referrals"),
    path("optag/lodtraekning/<int:municipality_id>/", intake.draw_new, name="draw_new"),
    path("optag/lodtraekninger/<int:draw_id>/", intake.draw_detail, name="draw_detail"),
]
