"""``manage.py audits_create [--date D]``: the audits due up to D (default today)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from audits.services.audits import audits_create


class Command(BaseCommand):
    help = (
        "Create the audits due up to --date (default today) for every active county, catching "
        "up the last 35 days. Idempotent: a second run creates nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError:
            raise CommandError(f"--date: expected YYYY-MM-DD, got {options['date']!r}")
        today = today or timezone.localdate()
        created = audits_create(today=today)
        self.stdout.write(f"{created} audits created as of {today:%Y-%m-%d}.")
