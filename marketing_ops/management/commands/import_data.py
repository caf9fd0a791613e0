from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from marketing_ops import tabular
from marketing_ops.services import import_submit


class Command(BaseCommand):
    help = "Import a dataset from CSV or XLSX through the same validation as uploads."

    def add_arguments(self, parser):
        parser.add_argument("dataset", help="e.g. " + ", ".join(tabular.datasets()))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="import as this user (their role and county apply)",
        )

    def handle(self, *args, dataset, file, as_user, **options):
        if dataset not in tabular.datasets():
            raise CommandError(
                f"unknown dataset {dataset!r}; known: {', '.join(tabular.datasets())}"
            )
        if not file.is_file():
            raise CommandError(f"no such file: {file}")
        user = None
        if as_user:
            user = get_user_model().objects.filter(username=as_user).first()
            if user is None:
                raise CommandError(f"no such user: {as_user}")
        with file.open("rb") as handle:
            try:
                job = import_submit(
                    dataset=dataset,
                    fileobj=handle,
                    file_name=file.name,
                    user=user,
                    background=False,
                )
            except PermissionDenied as exc:
                raise CommandError(str(exc))
        if job.status != job.Status.DONE:
            self.stderr.write("row, column, message")
            for error in job.errors:
                row = error["row"] if error["row"] is not None else "-"
                self.stderr.write(f"{row}, {error['column'] or '-'}, {error['message']}")
            if job.error_count > len(job.errors):
                self.stderr.write(f"… and {job.error_count - len(job.errors)} more errors")
            plural = "" if job.error_count == 1 else "s"
            raise CommandError(
                f"{file.name} rejected ({job.error_count} error{plural}); nothing was written"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"import #{job.pk}: {job.rows} rows read, {job.applied} records written"
            )
        )
