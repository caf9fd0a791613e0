"""What the benchmarks share: the PostgreSQL database they run on and Django set up on it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def check_database(url: str, *, empties: str, default: str, wipe_ok: bool) -> None:
    """Exit unless ``url`` is PostgreSQL and names a *bench* database (or ``wipe_ok``): a
    benchmark empties ``empties`` of the database it runs on."""
    if not url.startswith("postgres"):
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL or --database-url.")
    if "bench" not in url.rsplit("/", 1)[-1] and not wipe_ok:
        sys.exit(
            f"The benchmark empties {empties} of {url.rsplit('@', 1)[-1]}; use a database "
            f"named *bench* (default {default}) or pass --wipe-ok."
        )


def ensure_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql
    from psycopg2.extensions import ISOLATION_LEVEL_AUTOCOMMIT

    base, name = url.rsplit("/", 1)
    name = name.split("?", 1)[0]
    connection = psycopg2.connect(base + "/postgres")
    connection.set_isolation_level(ISOLATION_LEVEL_AUTOCOMMIT)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    # Tasks run inline in the benchmark (the snapshot after the import is timed apart).
    os.environ["REDIS_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketing_ops.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def reset_arrears_tables() -> None:
    """Empty the arrears tables and drop the bills' month partitions (the default one stays)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE arrears_bill, arrears_billmonthtotal, arrears_collectionaction, "
            "arrears_renewal, arrears_arrearssnapshot, arrears_account"
        )
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'arrears_bill'::regclass AND c.relname <> 'arrears_bill_default'"
        )
        for (partition,) in cursor.fetchall():
            cursor.execute(f"DROP TABLE {partition}")
