"""Send reminder mail for tomorrow's confirmed bookings (run from cron, as often as you like)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from booking.services.reminders import send_reminders
from core.locks import SingleInstanceCommand


class Command(SingleInstanceCommand, BaseCommand):
    help = (
        "Remind participants of their confirmed bookings tomorrow (Asia/Tokyo). Safe to run "
        "repeatedly: nobody gets the same reminder twice."
    )

    def handle(self, *args, **options):
        sent = send_reminders(now=timezone.now())
        self.stdout.write(f"Reminders sent: {sent}")
