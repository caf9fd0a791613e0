from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from marketing_ops.apps import app_modules
from marketing_ops.demo import DEMO_PASSWORD, seed_briefings


class Command(BaseCommand):
    help = "Create the demo city, its users and data. Safe to run again: nothing is doubled."

    def handle(self, *args, **options):
        today = timezone.localdate()
        self.stdout.write(f"Seeding the demo city as of {today}:")
        users = []
        # Each app seeds its own data from <app>/demo.py, the core (counties, users) first.
        for module in app_modules("demo"):
            with transaction.atomic():
                result = module.seed(stdout=self.stdout, today=today) or {}
            users.extend(result.get("users", []))
        # Briefings read every app's data: archived once all of it is there.
        with transaction.atomic():
            seed_briefings(self.stdout, today)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Planner statistics for the freshly written rows: without them PostgreSQL guesses
            # (a demo page took 240 ms instead of 50) until autovacuum comes round.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo users (password for all: {DEMO_PASSWORD})"))
        self.stdout.write(f"  {'username':<14} {'name':<6} {'role':<13} {'county':<7} who")
        for user in users:
            name = user.get("name", "")
            # A Chinese character takes two columns: pad the name to six.
            pad = " " * max(0, 6 - 2 * len(name))
            self.stdout.write(
                f"  {user['username']:<14} {name}{pad} {user['role']:<13} {user['county']:<7} "
                f"{user['what']}"
            )
        self.stdout.write("")
        self.stdout.write("Open http://127.0.0.1:8000/ and log in with one of them.")
