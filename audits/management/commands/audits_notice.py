"""``manage.py audits_notice [--week YYYY-Www]``: draft (or refresh) the weekly audit notice."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from audits.selectors.notices import notice_view
from audits.services.notices import notice_draft, week_just_ended


class Command(BaseCommand):
    help = (
        "Draft, or refresh the draft of, the weekly audit notice of --week (default: the week "
        "just ended) from the data. A published notice is left as it was published."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--week", help="YYYY-Www (default: the week just ended)")

    def handle(self, *args: Any, **options: Any) -> None:
        week = options["week"] or week_just_ended(timezone.localdate())
        try:
            notice = notice_draft(week=week)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages))
        view = notice_view(notice)
        self.stdout.write(
            f"Notice {notice.week} ({notice.get_status_display()}): "
            f"criticised {len(view.criticism)}, commended {len(view.commendation)}."
        )
        for row in view.criticism:
            self.stdout.write(f"  {row.code} {row.name}: {'; '.join(row.reasons)}")
        if view.commendation:
            names = ", ".join(f"{row.code} {row.name}" for row in view.commendation)
            self.stdout.write(f"  commended: {names}")
