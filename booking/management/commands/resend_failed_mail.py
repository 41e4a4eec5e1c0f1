"""Queue again the participant mails the mail server refused, and those a dead or hung worker
left RUNNING past the lease (production's outbox; cron, hourly)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from booking.services.notifications import (
    MAX_ATTEMPTS,
    requeue_stalled_mail,
    resend_failed_mail,
)
from core.locks import SingleInstanceCommand


class Command(SingleInstanceCommand, BaseCommand):
    help = (
        "Queue again every booking mail that failed (for example while the mail server was "
        f"down), and every one still running after MAIL_LEASE_SECONDS (its worker died or "
        f"hung), up to {MAX_ATTEMPTS} attempts in all. Safe to run repeatedly: a mail recorded "
        "as sent is never sent again."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Mails queued again: {resend_failed_mail()}")
        stalled = requeue_stalled_mail(now=timezone.now())
        self.stdout.write(f"Stalled mails queued again: {stalled}")
