"""Keeping programme sessions in step with the programme page.

Publishing a ProgramPage (a new schedule, start time, places) or unpublishing it re-syncs its
future slots at once, instead of waiting for the next `generate_slots` run: a slot that no longer
matches is removed, or cancelled with its people told when it has bookings.
"""

from django.utils import timezone

from programs.models import ProgramPage

from .services.slots import sync_owner_slots


def sync_program_slots(sender, instance, **kwargs):
    page = instance.specific if hasattr(instance, "specific") else instance
    if isinstance(page, ProgramPage):
        sync_owner_slots(page, now=timezone.now())
