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
        parser.add_argument(
            "--display-name", help="the name pages show for the user, e.g. 张伟 ('' clears it)"
        )
        parser.add_argument("--phone", help="a phone number, e.g. 13812345678 ('' clears it)")
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
                display_name=options["display_name"],
                phone=options["phone"],
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            )
        verb = "created" if created else "updated"
        name = user.profile.display_name
        shown = f"{user.username} ({name})" if name else user.username
        self.stdout.write(self.style.SUCCESS(f"{verb} {shown} as {options['role']}"))
