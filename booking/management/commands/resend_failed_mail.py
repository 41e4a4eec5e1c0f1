"""Queue again the participant mails the mail server refused (production's outbox; cron)."""

from django.core.management.base import BaseCommand

from booking.services.notifications import MAX_ATTEMPTS, resend_failed_mail


class Command(BaseCommand):
    help = (
        "Queue again every booking mail that failed (for example while the mail server was "
        f"down), up to {MAX_ATTEMPTS} attempts in all. Safe to run repeatedly."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Mails queued again: {resend_failed_mail()}")
