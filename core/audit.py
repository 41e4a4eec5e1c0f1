"""Audit trail of participants' records in Wagtail's log (the issue requires every view or
change of a participant's record to be logged). Entries hang off the participant, so the
participant's history page in the admin lists them all."""

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogFormatter, log

VIEW_PARTICIPANT = "manabiba.view_participant"
CHECK_IN = "manabiba.check_in"
UNDO_CHECK_IN = "manabiba.undo_check_in"
WALK_IN = "manabiba.walk_in"
RECORD_CONSENT = "manabiba.record_consent"
RECORD_OUTCOME = "manabiba.record_outcome"

ACTIONS = {
    VIEW_PARTICIPANT: (_("View participant"), _("Viewed the participant's record")),
    CHECK_IN: (_("Check in"), _("Checked in")),
    UNDO_CHECK_IN: (_("Undo check-in"), _("Check-in undone")),
    WALK_IN: (_("Walk-in"), _("Registered as a walk-in")),
    RECORD_CONSENT: (_("Record guardian consent"), _("Guardian consent recorded")),
    RECORD_OUTCOME: (_("Record outcome"), _("Outcome recorded")),
}


class DetailFormatter(LogFormatter):
    """'Checked in: 学習スペース 2026-06-03 16:00' — the detail saved with the entry."""

    def format_message(self, log_entry):
        detail = (log_entry.data or {}).get("detail")
        return f"{self.message}: {detail}" if detail else str(self.message)


def register_actions(actions) -> None:
    """The `register_log_actions` hook."""
    for action, (label, message) in ACTIONS.items():
        formatter = type("Formatter", (DetailFormatter,), {"label": label, "message": message})
        actions.register_action(action)(formatter)


def log_participant(participant, action: str, user, detail: str = ""):
    return log(
        instance=participant,
        action=action,
        user=user,
        data={"detail": detail} if detail else None,
    )
