"""Keeping programme sessions in step with the programme page.

Publishing a ProgramPage (a new schedule, start time, places, meeting link) or unpublishing it
applies the change to its bookings at once (`booking.services.programs.program_published`),
instead of waiting for the next `generate_slots` run: a slot that no longer matches is removed,
or cancelled with its people told when it has bookings; a new meeting link is sent to the
people booked.

Wagtail's signals carry no request: what the last publish did is kept for the editor's message
(`take_report`, read by booking.wagtail_hooks in the same request).
"""

from contextvars import ContextVar

from django.utils import timezone

from programs.models import ProgramPage

from .services.programs import ProgramChanges, program_published

_last_report: ContextVar[tuple[int, ProgramChanges] | None] = ContextVar(
    "last_program_report", default=None
)


def remember_meeting_url(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save of a ProgramPage: note the link the page row holds before it is overwritten.
    Only publishing writes a page's fields into its row (a draft is a revision), so publishing
    compares against the link that was live."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and "meeting_url" not in update_fields:
        return
    stored = ProgramPage.objects.filter(pk=instance.pk).values_list("meeting_url", flat=True)
    instance._stored_meeting_url = stored.first()


def sync_program_slots(sender, instance, **kwargs):
    page = instance.specific if hasattr(instance, "specific") else instance
    if isinstance(page, ProgramPage):
        previous = getattr(page, "_stored_meeting_url", None)
        page._stored_meeting_url = None  # announced once
        report = program_published(page, now=timezone.now(), previous_meeting_url=previous)
        _last_report.set((page.pk, report))


def take_report(page_id: int) -> ProgramChanges | None:
    """What the last publish of this page in this request did, once."""
    last = _last_report.get()
    _last_report.set(None)
    return last[1] if last and last[0] == page_id else None
