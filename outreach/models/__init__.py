"""Outreach models, by topic: consultation requests and their threads (`requests`), cases with
their status history, contact log and support plans (`cases`), schools' referrals and the
liaisons who make them (`referrals`), the committee's meetings (`committee`)."""

from .cases import Case, CaseAssignment, Contact, PlanAction, StatusChange, SupportPlan
from .committee import CommitteeMeeting
from .referrals import Liaison, Referral
from .requests import ConsultationRequest, RequestMessage

__all__ = [
    "Case",
    "CaseAssignment",
    "CommitteeMeeting",
    "ConsultationRequest",
    "Contact",
    "Liaison",
    "PlanAction",
    "Referral",
    "RequestMessage",
    "StatusChange",
    "SupportPlan",
]
