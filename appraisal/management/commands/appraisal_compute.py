"""``manage.py appraisal_compute YYYY-MM``: computes (or recomputes) a month's scorecards."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from appraisal.services.computation import scorecards_compute
from appraisal.services.months import MonthClosed
from marketing_ops.periods import Month


class Command(BaseCommand):
    help = (
        "Compute (or recompute) the appraisal scorecards of a month from its scheme and list "
        "the scores that changed. A closed month is refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="YYYY-MM")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = Month.parse(options["month"])
        except ValueError as error:
            raise CommandError(str(error))
        try:
            result = scorecards_compute(month=month, now=timezone.now())
        except MonthClosed as error:
            raise CommandError(str(error))
        except ValidationError as error:
            raise CommandError("; ".join(error.messages))
        for change in result.changed:
            self.stdout.write(f"{change.county} {change.indicator}: {change.old} → {change.new}")
        self.stdout.write(
            f"{month}: {result.computed} scorecards computed, {len(result.changed)} scores changed."
        )
