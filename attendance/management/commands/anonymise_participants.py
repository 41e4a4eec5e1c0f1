"""Pseudonymise participants not seen for years (see attendance/services/retention.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from attendance.services.retention import anonymise_inactive
from core.locks import SingleInstanceCommand
from core.time import fiscal_year_of, local_date

MAX_YEARS = 50


class Command(SingleInstanceCommand, BaseCommand):
    help = (
        "Replace the personal details (nickname, contact e-mail, birth year, account) of "
        "participants with no attendance or booking in the current fiscal year and the N-1 "
        "before it by a pseudonym. Their reference and school stay, so every report of every "
        "year is unchanged. Each one is written to Wagtail's audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--inactive-years",
            type=int,
            required=True,
            metavar="N",
            help="fiscal years without attendance, the current one included (at least 1)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="only count who would be anonymised"
        )

    def handle(self, *args, inactive_years: int, dry_run: bool = False, **options):
        if not 1 <= inactive_years <= MAX_YEARS:
            raise CommandError(f"--inactive-years must be between 1 and {MAX_YEARS}.")
        now = timezone.now()
        current = fiscal_year_of(local_date(now))
        since = current - inactive_years + 1
        count = anonymise_inactive(inactive_years=inactive_years, now=now, dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                f"Dry run: {count} participant(s) with no attendance since fiscal year {since} "
                "would be anonymised. Nothing was changed."
            )
        else:
            self.stdout.write(
                f"Anonymised {count} participant(s) with no attendance since fiscal year {since}."
            )
