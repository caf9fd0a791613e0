from django.core.management.base import BaseCommand, CommandError

from arrears.services import bill_totals
from marketing_ops.models import County


class Command(BaseCommand):
    help = (
        "Compare the month × county totals of the bills (what the recovery and ageing figures "
        "read) with the bills themselves; --rebuild recomputes them all."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="recompute every month's totals from the bills (one grouped query)",
        )

    def handle(self, *args, **options):
        if options["rebuild"]:
            rows = bill_totals.refresh()
            self.stdout.write(self.style.SUCCESS(f"rebuilt {rows} month × county totals"))
            return
        found = bill_totals.differences()
        codes = dict(County.objects.values_list("id", "code"))
        for month, county_id, figure, stored, fresh in found[:50]:
            self.stdout.write(
                f"{month:%Y-%m} {codes.get(county_id, county_id)} {figure}: "
                f"stored {stored}, bills {fresh}"
            )
        if found:
            raise CommandError(
                f"{len(found)} figure(s) differ from the bills; run with --rebuild to recompute"
            )
        self.stdout.write(self.style.SUCCESS("the totals agree with the bills"))
