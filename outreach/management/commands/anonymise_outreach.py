"""Erase the words of outreach records inactive for years (see outreach/services/retention.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.locks import SingleInstanceCommand
from outreach.services.retention import anonymise_inactive

MAX_YEARS = 50


class Command(SingleInstanceCommand, BaseCommand):
    help = (
        "Erase the messages, names, contacts and notes of consultation requests and closed "
        "cases with no activity in the current fiscal year and the N-1 before it. Codes, dates, "
        "kinds and statuses stay, so every figure is unchanged. Each one is audited."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--inactive-years",
            type=int,
            required=True,
            metavar="N",
            help="fiscal years without activity, the current one included (at least 1)",
        )
        parser.add_argument("--dry-run", action="store_true", help="only count, change nothing")

    def handle(self, *args, inactive_years: int, dry_run: bool = False, **options):
        if not 1 <= inactive_years <= MAX_YEARS:
            raise CommandError(f"--inactive-years must be between 1 and {MAX_YEARS}.")
        counts = anonymise_inactive(
            inactive_years=inactive_years, now=timezone.now(), dry_run=dry_run
        )
        verb = "Would erase" if dry_run else "Erased"
        self.stdout.write(
            f"{verb} {counts['requests']} consultation request(s) and {counts['cases']} "
            "closed case(s)." + (" Nothing was changed." if dry_run else "")
        )
