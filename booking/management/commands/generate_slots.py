"""Create bookable slots ahead over a rolling horizon (run daily from cron)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from booking.services.slots import DEFAULT_HORIZON_DAYS, generate_slots
from core.locks import SingleInstanceCommand


class Command(SingleInstanceCommand, BaseCommand):
    help = (
        "Create and update the slots of every study space and bookable programme for the coming "
        "days. Safe to run repeatedly: existing slots are kept, booked ones are never deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_HORIZON_DAYS,
            help=(
                f"How many days ahead (default {DEFAULT_HORIZON_DAYS}, at most 366; never less "
                "than a space's or programme's bookable days)."
            ),
        )

    def handle(self, *args, days: int, **options):
        if not 1 <= days <= 366:
            raise CommandError("--days must be between 1 and 366.")
        counts = generate_slots(now=timezone.now(), horizon_days=days)
        self.stdout.write(
            "Slots: {created} created, {updated} updated, {deleted} deleted, "
            "{cancelled} cancelled, {moved} moved; {told} mails to the people booked, "
            "{unreachable} without an address.".format(**counts)
        )
