"""The domain's tables. Models hold data and database-level rules only; every change of state
goes through ``domain.services``."""

from .audit import AuditEntry
from .calendar import CalendarFeed
from .events import CompanySignup, MatchEvent, YouthSignup
from .groups import Attendance, GroupSchedule, Meeting, NetworkGroup
from .messaging import OutboxMessage
from .network import Company, CompanyMember, Consultant, Municipality, NetworkMembership, Sector
from .placements import CheckIn, FollowUpNote, Interest, Placement, Slot
from .signin import MunicipalIdentity, MunicipalSignIn
from .youth import Invite, Youth

__all__ = [
    "Attendance",
    "AuditEntry",
    "CalendarFeed",
    "CheckIn",
    "Company",
    "CompanyMember",
    "CompanySignup",
    "Consultant",
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
    "Sector",
    "Slot",
    "Youth",
    "YouthSignup",
]
