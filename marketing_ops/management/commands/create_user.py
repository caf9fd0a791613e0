import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from marketing_ops.access import ALL_ROLES
from marketing_ops.services import user_create_or_update


class Command(BaseCommand):
    help = "Create or update a user with one role."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[str(r) for r in ALL_ROLES])
        parser.add_argument("--county", help="county code, for users bound to a county")
        parser.add_argument("--auditor-level", type=int, choices=[1, 2, 3])
        parser.add_argument("--email")
        password = parser.add_mutually_exclusive_group()
        password.add_argument("--password")
        password.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )

    def handle(self, *args, **options):
        password = options["password"]
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
            if not password:
                raise CommandError("no password on standard input")
        try:
            user, created = user_create_or_update(
                username=options["username"],
                role=options["role"],
                county_code=options["county"],
                auditor_level=options["auditor_level"],
                password=password,
                email=options["email"],
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            )
        verb = "created" if created else "updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {user.username} as {options['role']}"))
