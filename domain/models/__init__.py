"""The domain's tables. Models hold data and database-level rules only; every change of state
goes through ``domain.services``."""

from .audit import AuditEntry
from .calendar import CalendarFeed
from .conversation import YouthMessage
from .events import CompanySignup, MatchEvent, YouthSignup
from .groups import Attendance, GroupSchedule, Meeting, NetworkGroup
from .intake import AgeBand, Arm, Draw, Referral
from .messaging import EmailPreferences, OutboxMessage
from .network import Company, CompanyMember, Consultant, Municipality, NetworkMembership, Sector
from .outcomes import Destination, FollowUp, FollowUpAnswer, PlacementOutcome, Study
from .placements import CheckIn, FollowUpNote, Interest, Placement, Slot
from .signin import MunicipalIdentity, MunicipalSignIn
from .youth import Invite, Youth

__all__ = [
    "AgeBand",
    "Arm",
    "Attendance",
    "AuditEntry",
    "CalendarFeed",
    "CheckIn",
    "Company",
    "CompanyMember",
    "CompanySignup",
    "Consultant",
    "Destination",
    "Draw",
    "EmailPreferences",
    "FollowUp",
    "FollowUpAnswer",
    "FollowUpNote",
    "GroupSchedule",
    "Interest",
    "Invite",
    "MatchEvent",
    "Meeting",
    "MunicipalIdentity",
    "MunicipalSignIn",
    "Municipality",
    "NetworkGroup",
    "NetworkMembership",
    "OutboxMessage",
    "Placement",
    "PlacementOutcome",
    "Referral",
    "Sector",
    "Slot",
    "Study",
    "Youth",
    "YouthMessage",
    "YouthSignup",
]
