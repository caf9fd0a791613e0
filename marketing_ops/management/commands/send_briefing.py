from django.core.management.base import BaseCommand, CommandError

from marketing_ops.briefings import KINDS, briefing_send_all


class Command(BaseCommand):
    help = "Build, archive and email the daily, weekly or monthly briefing."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--period", help="YYYY-MM-DD, YYYY-Www or YYYY-MM (default: last)")
        parser.add_argument("--force", action="store_true", help="send again if already sent")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="print the city briefing's text; save and send nothing",
        )

    def handle(self, *args, kind, period, force, dry_run, **options):
        try:
            results = briefing_send_all(kind, period, force=force, dry_run=dry_run)
        except ValueError as exc:
            raise CommandError(str(exc))
        if dry_run:
            city = results[0]
            self.stdout.write(f"Subject: {city.briefing.subject}")
            self.stdout.write(f"To: {', '.join(city.recipients) or '(no recipients)'}\n")
            self.stdout.write(city.briefing.text)
            self.stdout.write(f"\n({len(results) - 1} county briefings would be built too)")
            return
        for result in results:
            state = "sent" if result.sent else "already sent (use --force to resend)"
            self.stdout.write(
                f"{result.briefing.subject}: {state} to {len(result.recipients)} recipients"
            )
