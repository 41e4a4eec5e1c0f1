"""The audit trail, in Wagtail's log (every view or change of a participant's record is logged:
docs/domain.md, "Privacy"). Entries about a participant hang off the participant, so
the participant's history page in the admin lists them all.

The rules write it themselves, through `log_action`, inside the transaction of the change they
record: a check-in made by a view, the API or a command is audited the same way, and a change
that rolls back leaves no entry.
"""

import datetime as dt

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogFormatter, log

VIEW_PARTICIPANT = "manabiba.view_participant"
CHECK_IN = "manabiba.check_in"
UNDO_CHECK_IN = "manabiba.undo_check_in"
WALK_IN = "manabiba.walk_in"
RECORD_CONSENT = "manabiba.record_consent"
RECORD_OUTCOME = "manabiba.record_outcome"
RENEW_FEED = "manabiba.renew_feed"
# Registered with its own formatter by attendance.reports.views (the message names the year).
EXPORT_REPORT = "manabiba.export_report"
# An attendance import (attendance.services.importing): hangs off the site, counts only.
IMPORT_ATTENDANCE = "manabiba.import_attendance"

ACTIONS = {
    VIEW_PARTICIPANT: (_("View participant"), _("Viewed the participant's record")),
    CHECK_IN: (_("Check in"), _("Checked in")),
    UNDO_CHECK_IN: (_("Undo check-in"), _("Check-in undone")),
    WALK_IN: (_("Walk-in"), _("Registered as a walk-in")),
    RECORD_CONSENT: (_("Record guardian consent"), _("Guardian consent recorded")),
    RECORD_OUTCOME: (_("Record outcome"), _("Outcome recorded")),
    RENEW_FEED: (_("Renew calendar address"), _("Private calendar address renewed")),
    IMPORT_ATTENDANCE: (_("Import attendance"), _("Attendance imported")),
}


class DetailFormatter(LogFormatter):
    """'Checked in: 学習スペース 2026-06-03 16:00' — the detail saved with the entry."""

    def format_message(self, log_entry):
        detail = (log_entry.data or {}).get("detail")
        return f"{self.message}: {detail}" if detail else str(self.message)


def register_actions(actions, table: dict | None = None) -> None:
    """The `register_log_actions` hook, for `table` (action → label, message; this module's
    ACTIONS by default: apps above pass their own)."""
    for action, (label, message) in (ACTIONS if table is None else table).items():
        formatter = type("Formatter", (DetailFormatter,), {"label": label, "message": message})
        actions.register_action(action)(formatter)


def log_action(
    instance,
    action: str,
    *,
    by,
    now: dt.datetime,
    detail: str = "",
    data: dict | None = None,
    title: str | None = None,
):
    """Write one entry: who (`by`, a user, or None when a command acted), what (`action` on
    `instance`, with a short `detail` or a few `data` values) and when (`now`, the entry's
    timestamp). Nothing personal goes in `detail` or `data`: the entry already names its
    object, and retention replaces that name by a pseudonym."""
    if detail:
        data = {**(data or {}), "detail": detail}
    return log(instance=instance, action=action, user=by, title=title, data=data, timestamp=now)
