"""What the outreach services write to the audit trail (`core.audit.log_action`). Every view,
export and change of a case, a request or a referral has its action; the entry hangs off the
object and its detail never holds a note, a name or a contact."""

from django.utils.translation import gettext_lazy as _

VIEW_REQUEST = "outreach.view_request"
CHANGE_REQUEST = "outreach.change_request"
REPLY_REQUEST = "outreach.reply_request"
REVOKE_LINK = "outreach.revoke_link"
VIEW_CASE = "outreach.view_case"
OPEN_CASE = "outreach.open_case"
CHANGE_CASE = "outreach.change_case"
LOG_CONTACT = "outreach.log_contact"
REVISE_PLAN = "outreach.revise_plan"
EXPORT_CASES = "outreach.export_cases"
REFER = "outreach.refer"
VIEW_REFERRAL = "outreach.view_referral"
CHANGE_REFERRAL = "outreach.change_referral"
MINUTE_MEETING = "outreach.minute_meeting"
EXPORT_REVIEW = "outreach.export_review"
EXPORT_FIGURES = "outreach.export_figures"
ANONYMISE = "outreach.anonymise"

ACTIONS = {
    VIEW_REQUEST: (_("View consultation request"), _("Viewed the consultation request")),
    CHANGE_REQUEST: (_("Change consultation request"), _("Consultation request changed")),
    REPLY_REQUEST: (_("Reply to consultation request"), _("Replied to the consultation request")),
    REVOKE_LINK: (_("Revoke private page"), _("Private page link revoked")),
    VIEW_CASE: (_("View case"), _("Viewed the case record")),
    OPEN_CASE: (_("Open case"), _("Case opened")),
    CHANGE_CASE: (_("Change case"), _("Case changed")),
    LOG_CONTACT: (_("Log contact"), _("Contact logged")),
    REVISE_PLAN: (_("Revise support plan"), _("Support plan revised")),
    EXPORT_CASES: (_("Export cases"), _("Cases exported")),
    REFER: (_("Refer a student"), _("Student referred to the centre")),
    VIEW_REFERRAL: (_("View referral"), _("Viewed the referral")),
    CHANGE_REFERRAL: (_("Change referral"), _("Referral changed")),
    MINUTE_MEETING: (_("Write committee minutes"), _("Committee meeting recorded")),
    EXPORT_REVIEW: (_("Export review list"), _("Committee review list exported")),
    EXPORT_FIGURES: (_("Export outreach figures"), _("Outreach figures exported")),
    ANONYMISE: (_("Anonymise outreach record"), _("Notes and contacts erased")),
}
