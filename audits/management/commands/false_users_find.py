"""``manage.py false_users_find``: the false-user rule over the bills, as the monthly task does."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from audits.services.false_users import false_users_find


class Command(BaseCommand):
    help = (
        "Suspect every account in service billed 0 for FALSE_USER_ZERO_MONTHS consecutive months "
        "ending with the latest billed month and never paid, unless it already has a false-user "
        "case. Idempotent: a second run creates nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = false_users_find()
        self.stdout.write(
            f"{created} suspected false users found "
            f"({settings.FALSE_USER_ZERO_MONTHS} months billed 0, never paid)."
        )
