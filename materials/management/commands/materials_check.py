from typing import Any

from django.core.management.base import BaseCommand, CommandError

from materials.selectors.balances import balance_differences


class Command(BaseCommand):
    help = (
        "Recompute every stock balance from the ledger of moves (and, for items with serials, "
        "count the terminals placed in each warehouse); list any difference and exit non-zero."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        found = balance_differences()
        for row in found[:100]:
            if row.what == "ledger":
                stored = "no balance row" if row.stored is None else f"balance {row.stored}"
                self.stdout.write(f"{row.warehouse} {row.sku}: {stored}, ledger {row.ledger}")
            else:
                self.stdout.write(
                    f"{row.warehouse} {row.sku}: {row.stored} terminal(s) placed there, "
                    f"ledger {row.ledger}"
                )
        if found:
            raise CommandError(f"{len(found)} balance(s) differ from the ledger")
        self.stdout.write(self.style.SUCCESS("every balance equals the sum of its moves"))
